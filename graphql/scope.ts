import type { Viewer } from './auth/viewer';
import type { EventRow } from './rows';
import type { Params } from '../db/params';

/**
 * Which events a viewer may read, as a SQL condition on `e` (public.grid_event):
 * citizens their own reports; grid workers their grid's events and their own
 * reports; clerks and department managers the events their department handles
 * (now or before a return) and what they reported; the command centre's
 * managers and admins everything. "Their own reports" includes the events
 * their reports were merged into, and only those: a merged reporter follows
 * the surviving event.
 */
export function eventScope(viewer: Viewer, params: Params): string {
  const reporter = () => {
    const me = `(select id from public.person where code = ${params.param(viewer.personCode)})`;
    return `(e.reporter_id = ${me}
      or e.id in (select m.duplicate_of_id from public.grid_event m where m.reporter_id = ${me} and m.duplicate_of_id is not null))`;
  };
  switch (viewer.role) {
    case 'citizen':
      return reporter();
    case 'grid_worker':
      return `(e.grid_code = ${params.param(viewer.gridCode)} or ${reporter()})`;
    case 'clerk':
      return departmentScope(viewer.departmentCode, params, reporter());
    case 'manager':
      return viewer.departmentCode === null ? 'true' : departmentScope(viewer.departmentCode, params, reporter());
    case 'admin':
      return 'true';
    default:
      return viewer satisfies never;
  }
}

function departmentScope(department: string, params: Params, reporter: string): string {
  const code = params.param(department);
  return `(e.departments @> array[${code}]::text[] or ${reporter}
    or exists (select 1 from public.task t where t.event_id = e.id and t.candidate_groups @> array[${code}]::text[]))`;
}

/**
 * The same rule for one event already loaded; `reporterCode` is the code of
 * its reporter, if any. A merged reporter's own report is not on the event's
 * row: findVisibleEvent asks for it when this says no.
 */
export function canSeeEvent(viewer: Viewer, event: EventRow, reporterCode: string | null, taskGroups: readonly string[]): boolean {
  const own = reporterCode !== null && reporterCode === viewer.personCode;
  switch (viewer.role) {
    case 'citizen':
      return own;
    case 'grid_worker':
      return own || event.grid_code === viewer.gridCode;
    case 'clerk':
      return own || event.departments.includes(viewer.departmentCode) || taskGroups.includes(viewer.departmentCode);
    case 'manager':
      return viewer.departmentCode === null || own || event.departments.includes(viewer.departmentCode) || taskGroups.includes(viewer.departmentCode);
    case 'admin':
      return true;
    default:
      return viewer satisfies never;
  }
}
