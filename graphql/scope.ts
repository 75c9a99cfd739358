import type { Viewer } from './auth/viewer';
import type { EventRow } from './rows';
import type { Params } from '../db/params';

/**
 * Which events a viewer may read, as a SQL condition on `e` (public.grid_event):
 * citizens their own reports; grid workers their grid's events and their own
 * reports; clerks and department managers the events their department handles
 * (now or before a return) and what they reported; the command centre's
 * managers and admins everything.
 */
export function eventScope(viewer: Viewer, params: Params): string {
  const reporter = () => `e.reporter_id = (select id from public.person where code = ${params.param(viewer.personCode)})`;
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

/** The same rule for one event already loaded; `reporterCode` is the code of its reporter, if any. */
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
