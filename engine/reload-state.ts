/**
 * What the engine does after a failed batch instead of stopping the process:
 * the state in memory may be ahead of PostgreSQL, so it is dropped; the engine
 * waits until PostgreSQL answers again and loads what was committed, as a
 * restart would, without one. Meanwhile every call is refused as UNAVAILABLE,
 * which clients retry.
 */
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { EngineState } from './state/engine-state';
import { loadState, type CompileResource } from './state/load-state';

export interface ReloadOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  readonly compile: CompileResource;
  /** True once the engine is stopping: the reload gives up. */
  readonly cancelled: () => boolean;
  /** Waits between attempts, the last one repeated; default 0.2 s doubling to 5 s. */
  readonly delaysMs?: readonly number[];
}

const DELAYS_MS = [200, 400, 800, 1_600, 3_200, 5_000];

/** Resolves with the committed state once PostgreSQL serves it, or undefined when cancelled first. */
export async function reloadWhenReachable(options: ReloadOptions): Promise<EngineState | undefined> {
  const delays = options.delaysMs ?? DELAYS_MS;
  const started = Date.now();
  for (let attempt = 0; !options.cancelled(); attempt++) {
    try {
      const state = await loadState(options.pool, options.compile);
      options.logger.warn({ attempts: attempt + 1, millis: Date.now() - started }, 'engine state reloaded from PostgreSQL; the engine serves again');
      return state;
    } catch (error) {
      if (attempt === 0 || attempt % 10 === 0) {
        options.logger.warn({ err: error, attempt: attempt + 1 }, `engine waits for PostgreSQL to reload its state: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, delays[Math.min(attempt, delays.length - 1)]));
  }
  return undefined;
}
