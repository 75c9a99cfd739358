import pg from 'pg';
import type { Logger } from '../config/logger';

/** A part that runs in one process at a time: started when this process holds its lock, stopped when it loses it. */
export interface SingletonPart {
  stop(): Promise<void>;
}

export interface RunOnceOptions {
  readonly connectionString: string;
  /** Names the lock: every process asking for the same name competes for the same part. */
  readonly name: string;
  /** Starts the part once this process holds the lock. */
  readonly start: () => Promise<SingletonPart> | SingletonPart;
  readonly logger: Logger;
  /** How often a process without the lock tries to take it, and the holder checks its connection. Default 5 s. */
  readonly intervalMs?: number;
}

export interface RunningOnce {
  /** Whether this process holds the lock and runs the part now. */
  readonly holding: boolean;
  /** Tries at once (tests, and a replica that wants to know without waiting for the next round). */
  tryNow(): Promise<boolean>;
  /** Stops the part if it runs here and gives the lock back. */
  stop(): Promise<void>;
}

const DEFAULT_INTERVAL_MS = 5_000;

/**
 * Runs `start`'s part in exactly one of the processes asking for `name`: the
 * one holding a session-level advisory lock on a connection of its own. The
 * lock lives as long as that session, so when its process dies (SIGKILL, the
 * machine gone) PostgreSQL ends the session, the lock is free, and another
 * process takes it within `intervalMs`. The holder checks its connection as
 * often: a holder that lost it stops its part, as the lock is no longer its
 * own. The parts run here also take their rows with `for update skip locked`,
 * so the moment two might overlap (a holder cut off, not yet noticing) does no
 * harm; the lock keeps the work, and the load of polling, in one place.
 */
export function runOnce(options: RunOnceOptions): RunningOnce {
  const logger = options.logger.child({ component: 'run-once', part: options.name });
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  let client: pg.Client | undefined;
  let part: SingletonPart | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<boolean> | undefined;

  const release = async (why: string): Promise<void> => {
    const running = part;
    const session = client;
    part = undefined;
    client = undefined;
    if (running) {
      logger.info(`stopping ${options.name}: ${why}`);
      await running.stop().catch((error: unknown) => logger.error({ err: error }, `stopping ${options.name} failed`));
    }
    // Ending the session gives the lock back (if the connection still stands).
    await session?.end().catch(() => undefined);
  };

  const attempt = async (): Promise<boolean> => {
    if (stopped) return false;
    if (client !== undefined) {
      try {
        await client.query('select 1');
        return true;
      } catch (error) {
        logger.warn({ err: error }, `lost the connection holding ${options.name}`);
        await release('its lock is gone with the connection');
        return false;
      }
    }
    const candidate = new pg.Client({ connectionString: options.connectionString, application_name: `grid-dispatch ${options.name} ${process.pid}`, keepAlive: true });
    // A session ended from the server's side emits 'error'; the next round notices it by its failing check.
    candidate.on('error', (error) => logger.debug({ err: error }, `the connection for ${options.name} failed`));
    try {
      await candidate.connect();
      const { rows } = await candidate.query<{ held: boolean }>('select pg_try_advisory_lock(hashtext($1)) as held', [lockName(options.name)]);
      if (rows[0]?.held !== true || stopped) {
        await candidate.end();
        return false;
      }
    } catch (error) {
      logger.warn({ err: error }, `could not ask for ${options.name}'s lock`);
      await candidate.end().catch(() => undefined);
      return false;
    }
    client = candidate;
    try {
      part = await options.start();
      logger.info(`${options.name} runs in this process`);
      return true;
    } catch (error) {
      logger.error({ err: error }, `starting ${options.name} failed; another process may take it`);
      await release('it failed to start');
      return false;
    }
  };

  const tryNow = (): Promise<boolean> =>
    (round ??= attempt().finally(() => {
      round = undefined;
    }));

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void tryNow().finally(schedule), intervalMs);
  };
  void tryNow().finally(schedule);

  return {
    get holding() {
      return part !== undefined;
    },
    tryNow,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await round?.catch(() => undefined);
      await release('the process is stopping');
    },
  };
}

/** The advisory lock's key text: one namespace for every part of this service. */
export function lockName(name: string): string {
  return `grid-dispatch:run-once:${name}`;
}
