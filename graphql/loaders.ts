import DataLoader from 'dataloader';
import type { Queryable } from '../db/queryable';
import type { TaskView } from '../tasks/task';
import { findLatestForms, type DeployedTaskForm } from '../tasks/sql/find-forms';
import type { AttachmentRow, DepartmentRow, EventRow, FeedbackRow, GridRow, PersonRow, TransitionRow } from './rows';
import {
  ATTACHMENTS_BY_EVENT,
  DEPARTMENTS_BY_CODE,
  EVENTS_BY_ID,
  FEEDBACK_BY_EVENT,
  GRID_WORKERS_BY_GRID,
  GRIDS_BY_CODE,
  PERSONS_BY_CODE,
  PERSONS_BY_ID,
  TASKS_BY_EVENT,
  TRANSITIONS_BY_EVENT,
} from './sql/by-keys';

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
  /** The latest deployed version of a form, by form id. */
  readonly form: DataLoader<string, DeployedTaskForm | null>;
}

export function createLoaders(db: Queryable): Loaders {
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

  return {
    grid: one<GridRow, 'code'>(GRIDS_BY_CODE, 'code'),
    department: one<DepartmentRow, 'code'>(DEPARTMENTS_BY_CODE, 'code'),
    person: one<PersonRow, 'id'>(PERSONS_BY_ID, 'id'),
    personByCode: one<PersonRow, 'code'>(PERSONS_BY_CODE, 'code'),
    gridWorker: one<PersonRow, 'grid_code'>(GRID_WORKERS_BY_GRID, 'grid_code'),
    event: one<EventRow, 'id'>(EVENTS_BY_ID, 'id'),
    timeline: many<TransitionRow, 'event_id'>(TRANSITIONS_BY_EVENT, 'event_id'),
    attachments: many<AttachmentRow, 'event_id'>(ATTACHMENTS_BY_EVENT, 'event_id'),
    feedback: many<FeedbackRow, 'event_id'>(FEEDBACK_BY_EVENT, 'event_id'),
    eventTasks: many<TaskView, 'eventId'>(TASKS_BY_EVENT, 'eventId'),
    form: new DataLoader<string, DeployedTaskForm | null>(async (ids) => {
      const forms = await findLatestForms(db, ids);
      return ids.map((id) => forms.get(id) ?? null);
    }),
  };
}
