import { BadUserInputError, ForbiddenError, NotOfferedError } from '../errors/app-error';
import type { Viewer } from './auth/viewer';
import { viewerOf, type ApiContext } from './context';

type CityWide = Extract<Viewer, { role: 'manager' | 'admin' }>;

/**
 * The monitor is the command centre's: city managers (no department) and
 * admins. A department's manager sees their department's breaches and KPIs,
 * but not the engine, whose instances and incidents span every department.
 */
export function requireCityMonitor(context: ApiContext): CityWide {
  const viewer = viewerOf(context);
  if (isCityWide(viewer)) return viewer;
  throw new ForbiddenError(`the process monitor is for city managers and admins, not a ${describe(viewer)}`);
}

export function isCityWide(viewer: Viewer): viewer is CityWide {
  return viewer.role === 'admin' || (viewer.role === 'manager' && viewer.departmentCode === null);
}

/** The engine-reading views need the engine's tables; against a Camunda 8 cluster, Operate shows them. */
export function requireEngineTables(context: ApiContext): void {
  if (!context.services.embeddedEngine) {
    throw new NotOfferedError('the engine runs in a Camunda 8 cluster here: its instances and incidents are in Operate');
  }
}

/**
 * Which department a managerial read is confined to: a department's manager
 * to their own (absent → theirs, another → FORBIDDEN), city managers and
 * admins to whatever they asked for (undefined: the whole city).
 */
export function confineToDepartment(context: ApiContext, requested: string | null | undefined): string | undefined {
  const viewer = viewerOf(context);
  switch (viewer.role) {
    case 'admin':
      return requested ?? undefined;
    case 'manager':
      if (viewer.departmentCode === null) return requested ?? undefined;
      if (requested !== null && requested !== undefined && requested !== viewer.departmentCode) {
        throw new ForbiddenError(`a manager of ${viewer.departmentCode} reads their own department's figures, not ${requested}'s`);
      }
      return viewer.departmentCode;
    case 'citizen':
    case 'grid_worker':
    case 'clerk':
      throw new ForbiddenError(`SLA breaches and KPIs are for managers and admins, not a ${describe(viewer)}`);
    default:
      return viewer satisfies never;
  }
}

function describe(viewer: Viewer): string {
  switch (viewer.role) {
    case 'manager':
      return viewer.departmentCode === null ? 'city manager' : `manager of ${viewer.departmentCode}`;
    case 'clerk':
      return `clerk of ${viewer.departmentCode}`;
    case 'grid_worker':
      return 'grid worker';
    case 'citizen':
    case 'admin':
      return viewer.role;
    default:
      return viewer satisfies never;
  }
}

/** Engine keys are int64 in decimal; anything else is the caller's mistake, not a missing object. */
export function engineKey(value: string, field: string): string {
  if (!/^\d{1,19}$/.test(value)) throw new BadUserInputError(field, `${field} must be an engine key (digits), got ${JSON.stringify(value)}`);
  return value;
}
