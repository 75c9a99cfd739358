/**
 * The statements behind the per-request loaders (loaders.ts): each reads the
 * rows of a whole batch of keys, given as one array ($1), so a page costs one
 * statement per kind of object whatever its size.
 */
import { TASK_COLUMNS } from '../../tasks/task';
import { EVENT_COLUMNS } from '../rows';

const PERSON_COLUMNS = 'id, code, name, role, phone, department_code, grid_code';

export const GRIDS_BY_CODE =
  'select code, name, district_code, district_name, street_code, street_name, community_code, community_name, ' +
  'district_pinyin, street_pinyin, community_pinyin, polygon from public.grid where code = any($1)';

export const DEPARTMENTS_BY_CODE = 'select code, name, categories from public.department where code = any($1)';

export const PERSONS_BY_ID = `select ${PERSON_COLUMNS} from public.person where id = any($1::bigint[])`;

export const PERSONS_BY_CODE = `select ${PERSON_COLUMNS} from public.person where code = any($1)`;

export const GRID_WORKERS_BY_GRID = `select ${PERSON_COLUMNS} from public.person where role = 'grid_worker' and grid_code = any($1)`;

export const EVENTS_BY_ID = `select ${EVENT_COLUMNS} from public.grid_event e where e.id = any($1::bigint[])`;

export const TRANSITIONS_BY_EVENT =
  'select id, event_id, from_status, to_status, escalated, actor_id, note, at from public.grid_event_transition where event_id = any($1::bigint[]) order by at, id';

export const ATTACHMENTS_BY_EVENT =
  'select id, event_id, kind, content_type, size, sha256, created_at from public.attachment where event_id = any($1::bigint[]) order by id';

export const FEEDBACK_BY_EVENT =
  'select id, event_id, citizen_id, merged_report_id, satisfied, score, comment, created_at from public.feedback where event_id = any($1::bigint[]) order by created_at, id';

export const TASKS_BY_EVENT = `select ${TASK_COLUMNS} from public.task t where t.event_id = any($1::bigint[]) order by t.id`;
