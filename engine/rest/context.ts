import type { Logger } from 'pino';

import type { Queryable } from '../../db/queryable';
import type { EngineApi } from '../api';
import type { BatchOperations } from './batch-operations';

/** What every route module gets: the engine's commands, its read contract, a logger and the clock. */
export interface RestContext {
  readonly engine: EngineApi;
  /** Reads only the `engine_read` views (engine/read-contract.ts). */
  readonly db: Queryable;
  readonly logger: Logger;
  readonly clock: () => Date;
  /** Where this server listens, as the topology reports it. */
  readonly address: () => { readonly host: string; readonly port: number };
  /** Aborted when the server starts closing: long polls answer at once with what they have. */
  readonly closing: AbortSignal;
  /** The batch operations (process instance migration by filter), kept in PostgreSQL and resumed by the next server that starts. */
  readonly batches: BatchOperations;
}
