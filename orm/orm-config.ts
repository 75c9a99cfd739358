import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import type { Logger } from '../config/logger';
import { IDLE_MILLIS } from '../db/pools';
import { ENTITIES } from './entities';
import { loadMigrations } from './migrations-list';

/**
 * MikroORM's configuration for one database. Entities are defined with
 * `defineEntity` (orm/entities/), so discovery needs neither decorators nor
 * reflect-metadata.
 */
export function ormConfig(connectionString: string, logger: Logger): Options {
  return defineConfig({
    clientUrl: connectionString,
    // MikroORM's own pg pool (the workers' and the intake's units of work) keeps connections as the service's pools do.
    pool: { idleTimeoutMillis: IDLE_MILLIS },
    entities: [...ENTITIES],
    extensions: [Migrator],
    migrations: {
      migrationsList: loadMigrations(),
      // One transaction for the whole batch: a failed migration leaves the schema as it was.
      transactional: true,
      allOrNothing: true,
      // Snapshots serve generating migrations from entities; applying them must not write files.
      snapshot: false,
      silent: true,
    },
    // The database is created by the bootstrap (or exists externally) before MikroORM connects.
    ensureDatabase: false,
    colors: false,
    logger: (message) => logger.debug({ component: 'mikro-orm' }, message),
  });
}
