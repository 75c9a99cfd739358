import pg from 'pg';

/**
 * The service's connection pools: one for the application (API, task list,
 * intake, workers, REST reads) and one of the engine's own.
 *
 * Why two: a person's task completion holds a transaction (its event row
 * locked) while the engine completes the job, and the engine answers only
 * once its commit has a connection. On one shared pool, as many completions
 * at once as the pool has connections held every connection while waiting
 * for the engine, whose commit then waited for a connection that never came:
 * the service stood still (sessions idle in transaction, a worker waiting on
 * the locked row), and so did its shutdown. The engine's commits now never
 * wait for the application's connections.
 */
export interface ServicePools {
  readonly app: pg.Pool;
  readonly engine: pg.Pool;
  /** Ends both. */
  end(): Promise<void>;
}

/** The engine commits one batch at a time; the rest covers its start and its reads. */
export const ENGINE_POOL_SIZE = 4;

/**
 * How long a connection may sit idle before the pool closes it. pg's default,
 * 10 s, closed connections between the peaks of a steady load and opened them
 * again at the next: each new one costs PostgreSQL a process, an
 * authentication and cold caches. A minute keeps them through a steady load
 * and still gives them back after a burst.
 */
export const IDLE_MILLIS = 60_000;

export function createPools(connectionString: string, onIdleError: (error: Error) => void, appPoolSize?: number): ServicePools {
  const app = new pg.Pool({ connectionString, idleTimeoutMillis: IDLE_MILLIS, ...(appPoolSize !== undefined && { max: appPoolSize }) });
  const engine = new pg.Pool({ connectionString, idleTimeoutMillis: IDLE_MILLIS, max: ENGINE_POOL_SIZE });
  // An idle client whose server went away emits 'error'; unhandled, that would crash the process.
  app.on('error', onIdleError);
  engine.on('error', onIdleError);
  return {
    app,
    engine,
    async end() {
      await Promise.all([app.end(), engine.end()]);
    },
  };
}
