import DataLoader from 'dataloader';
import type { ApiContext } from './context';
import type { Queryable } from '../db/queryable';
import {
  ACTIVE_ELEMENTS,
  INSTANCE_EVENTS,
  INSTANCE_HISTORY,
  INSTANCE_INCIDENTS,
  INSTANCE_VARIABLES,
  type ActiveElementRow,
  type IncidentRow,
  type InstanceEventRow,
  type RecordRow,
  type VariableRow,
} from './sql/instance-details';

/** Per-request batching of what the monitor shows of process instances, keyed by instance key. */
export interface MonitorLoaders {
  readonly variables: DataLoader<string, VariableRow[]>;
  readonly history: DataLoader<string, RecordRow[]>;
  readonly activeElements: DataLoader<string, ActiveElementRow[]>;
  readonly incidents: DataLoader<string, IncidentRow[]>;
  readonly eventId: DataLoader<string, string | null>;
}

// The context belongs to one operation; keying on it gives the loaders the same lifetime as context.loaders.
const perRequest = new WeakMap<ApiContext, MonitorLoaders>();

export function monitorLoaders(context: ApiContext): MonitorLoaders {
  let loaders = perRequest.get(context);
  if (loaders === undefined) {
    loaders = createMonitorLoaders(context.db);
    perRequest.set(context, loaders);
  }
  return loaders;
}

function createMonitorLoaders(db: Queryable): MonitorLoaders {
  const grouped = <R extends { readonly pik: string }>(sql: string) =>
    new DataLoader<string, R[]>(async (keys) => {
      const { rows } = await db.query<R>(sql, [keys]);
      const byKey = new Map<string, R[]>();
      for (const row of rows) {
        const list = byKey.get(row.pik);
        if (list) list.push(row);
        else byKey.set(row.pik, [row]);
      }
      return keys.map((key) => byKey.get(key) ?? []);
    });
  return {
    variables: grouped<VariableRow>(INSTANCE_VARIABLES),
    history: grouped<RecordRow>(INSTANCE_HISTORY),
    activeElements: grouped<ActiveElementRow>(ACTIVE_ELEMENTS),
    incidents: grouped<IncidentRow>(INSTANCE_INCIDENTS),
    eventId: new DataLoader<string, string | null>(async (keys) => {
      const { rows } = await db.query<InstanceEventRow>(INSTANCE_EVENTS, [keys]);
      const byKey = new Map(rows.map((row) => [row.pik, row.event_id]));
      return keys.map((key) => byKey.get(key) ?? null);
    }),
  };
}
