import type { EntityManager } from '@mikro-orm/postgresql';
import type { RateLimitSettings } from '../config/config';
import type { Logger } from '../config/logger';
import type { ServerTimeouts } from '../http/server-timeouts';
import type { GridIndex } from '../orm/geo/grid-index';
import type { Queryable } from '../db/queryable';
import { loadGridIndex } from '../orm/geo/load-grid-index';
import { loadDivisionPlacer } from './address-placement';
import { LocalAttachmentStore } from './attachment-store';
import { startOpen311, type Open311Server } from './open311/server';
import { ProcessStarts, type ProcessInstanceCreator, type ProcessStartOptions } from './process-start';
import { IntakeService } from './report-event';

export interface IntakeOptions {
  /** The ORM's root EntityManager; the intake forks one per request. */
  readonly em: EntityManager;
  /** For loading the grid index at start, unless `grids` hands in one already loaded. */
  readonly db: Queryable;
  readonly grids?: GridIndex;
  readonly zeebe: ProcessInstanceCreator;
  readonly attachmentDir: string;
  readonly attachmentMaxBytes: number;
  readonly host: string;
  /** undefined: no Open311 endpoint in this process (an API replica accepts reports through GraphQL only). */
  readonly open311Port: number | undefined;
  readonly logger: Logger;
  readonly processStart?: ProcessStartOptions;
  /** Open311's rate limits; default DEFAULTS.rateLimits. */
  readonly rateLimits?: RateLimitSettings;
  /** When slow Open311 clients are cut off; default DEFAULTS.httpTimeouts. */
  readonly timeouts?: ServerTimeouts;
  /**
   * Runs the outbox's retry loop where it must run once (db/run-once.ts);
   * default: right here. Its rows are taken with skip locked either way.
   */
  readonly singleton?: (name: string, start: () => { stop(): Promise<void> }) => { stop(): Promise<void> };
}

export interface RunningIntake {
  readonly service: IntakeService;
  /** undefined when started without an Open311 port. */
  readonly open311: Open311Server | undefined;
  readonly starts: ProcessStarts;
  readonly gridCount: number;
  /** Stops taking requests, then stops retrying starts. */
  stop(): Promise<void>;
}

export async function startIntake(options: IntakeOptions): Promise<RunningIntake> {
  const logger = options.logger.child({ component: 'intake' });
  let grids = options.grids;
  if (grids === undefined) {
    grids = await loadGridIndex(options.db);
    if (grids.size === 0) logger.warn('no grids in the database (run `npm run seed`): every report will be refused as outside the city');
  }
  const starts = new ProcessStarts(options.em, options.zeebe, logger, options.processStart);
  const store = new LocalAttachmentStore(options.attachmentDir);
  const service = new IntakeService({
    em: options.em,
    grids,
    places: await loadDivisionPlacer(options.db),
    store,
    starts,
    logger,
    limits: { maxAttachmentBytes: options.attachmentMaxBytes },
  });
  const retrying = (options.singleton ?? ((_name, start) => start()))('intake-outbox', () => {
    starts.startRetrying();
    return { stop: () => starts.stop() };
  });
  let open311: Open311Server | undefined;
  try {
    if (options.open311Port !== undefined) {
      open311 = await startOpen311({
        intake: service,
        em: options.em,
        host: options.host,
        port: options.open311Port,
        logger,
        spoolDir: store.spoolDir,
        ...(options.rateLimits && { rateLimits: options.rateLimits }),
        ...(options.timeouts && { timeouts: options.timeouts }),
      });
    }
  } catch (error) {
    await retrying.stop();
    throw error;
  }
  return {
    service,
    open311,
    starts,
    gridCount: grids.size,
    async stop() {
      try {
        await open311?.stop();
      } finally {
        await retrying.stop();
        // A report's immediate start may still be retrying its own attempt.
        await starts.stop();
      }
    },
  };
}
