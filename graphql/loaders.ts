import DataLoader from 'dataloader';
import type { Db } from './db';
import { TASK_COLUMNS, type TaskView } from '../tasks/task';
import { EVENT_COLUMNS, type AttachmentRow, type DepartmentRow, type EventRow, type FeedbackRow, type GridRow, type PersonRow, type TransitionRow } from './rows';

/**
 * Per-request batching: whatever a page of results asks for, each loader
 * costs one statement per tick, so a page of 50 tasks with their events,
 * grids and timelines costs a fixed handful of statements.
 */
export interface Loaders {
  readonly grid: DataLoader<string, GridRow | null>;
  readonly department: DataLoader<string, DepartmentRow | null>;
  readonly person: DataLoader<string, PersonRow | null>;
  readonly personByCode: DataLoader<string, PersonRow | null>;
  readonly event: DataLoader<string, EventRow | null>;
  readonly timeline: DataLoader<string, TransitionRow[]>;
  readonly attachments: DataLoader<string, AttachmentRow[]>;
  readonly feedback: DataLoader<string, FeedbackRow[]>;
  readonly eventTasks: DataLoader<string, TaskView[]>;
  readonly gridWorker: DataLoader<string, PersonRow | null>;
}

export function createLoaders(db: Db): Loaders {
  const one = <R, K extends keyof R & string>(sql: string, key: K) =>
    new DataLoader<string, R | null>(async (keys) => {
      const { rows } = await db.query<R & Record<string, unknown>>(sql, [keys]);
      const byKey = new Map(rows.map((row) => [String(row[key]), row as R]));
      return keys.map((k) => byKey.get(k) ?? null);
    });
  const many = <R, K extends keyof R & string>(sql: string, key: K) =>
    new DataLoader<string, R[]>(async (keys) => {
      const { rows } = await db.query<R & Record<string, unknown>>(sql, [keys]);
      const byKey = new Map<string, R[]>();
      for (const row of rows) {
        const k = String(row[key]);
        const list = byKey.get(k);
        if (list) list.push(row);
        else byKey.set(k, [row]);
      }
      return keys.map((k) => byKey.get(k) ?? []);
    });

  const personColumns = 'id, code, name, role, department_code, grid_code';
  return {
    grid: one<GridRow, 'code'>(
      'select code, name, district_code, district_name, street_code, street_name, community_code, community_name from public.grid where code = any($1)',
      'code',
    ),
    department: one<DepartmentRow, 'code'>('select code, name, categories from public.department where code = any($1)', 'code'),
    person: one<PersonRow, 'id'>(`select ${personColumns} from public.person where id = any($1::bigint[])`, 'id'),
    personByCode: one<PersonRow, 'code'>(`select ${personColumns} from public.person where code = any($1)`, 'code'),
    gridWorker: one<PersonRow, 'grid_code'>(`select ${personColumns} from public.person where role = 'grid_worker' and grid_code = any($1)`, 'grid_code'),
    event: one<EventRow, 'id'>(`select ${EVENT_COLUMNS} from public.grid_event e where e.id = any($1::bigint[])`, 'id'),
    timeline: many<TransitionRow, 'event_id'>(
      'select id, event_id, from_status, to_status, escalated, note, at from public.grid_event_transition where event_id = any($1::bigint[]) order by at, id',
      'event_id',
    ),
    attachments: many<AttachmentRow, 'event_id'>(
      'select id, event_id, kind, content_type, size, sha256, created_at from public.attachment where event_id = any($1::bigint[]) order by id',
      'event_id',
    ),
    feedback: many<FeedbackRow, 'event_id'>(
      'select id, event_id, satisfied, score, comment, created_at from public.feedback where event_id = any($1::bigint[]) order by created_at, id',
      'event_id',
    ),
    eventTasks: many<TaskView, 'eventId'>(`select ${TASK_COLUMNS} from public.task t where t.event_id = any($1::bigint[]) order by t.id`, 'eventId'),
  };
}
