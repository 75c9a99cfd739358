import type { Queryable } from '../../../db/queryable';
import type { BufferedMessage, MessageSubscription, SignalSubscription, Timer } from '../event-types';
import type { ElementInstance, Incident, Job } from '../types';

/** The tables whose `data` column holds the whole in-memory object, and that object's type. */
interface DataTables {
  element_instance: ElementInstance;
  job: Job;
  incident: Incident;
  timer: Timer;
  message_subscription: MessageSubscription;
  message: BufferedMessage;
  signal_subscription: SignalSubscription;
}

const TABLES: Readonly<Record<keyof DataTables, true>> = {
  element_instance: true,
  job: true,
  incident: true,
  timer: true,
  message_subscription: true,
  message: true,
  signal_subscription: true,
};

/** Every row of one of those tables, as its in-memory object, in key order (creation order). */
export async function selectDataRows<T extends keyof DataTables>(db: Queryable, table: T): Promise<DataTables[T][]> {
  // The name is one of the keys above, never input: it is checked again because it is spliced into the text.
  if (!TABLES[table]) throw new Error(`not a data table: ${String(table)}`);
  const { rows } = await db.query<{ data: DataTables[T] }>(`select data from engine.${table} order by key`);
  return rows.map((row) => row.data);
}
