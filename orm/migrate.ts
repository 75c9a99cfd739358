import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { createLogger, type Logger } from '../config/logger';
import { ormConfig } from './orm-config';

/** Serialises concurrent starts against one database (arbitrary, fixed). */
const MIGRATION_LOCK = 7_372_410_001;

/**
 * Applies the committed migrations in orm/migrations that the database has
 * not seen yet, in order, all in one transaction. Returns the names applied.
 * Several processes may start at once against one database: an advisory lock
 * makes the others wait and then find nothing left to do.
 */
export async function migrate(connectionString: string, logger: Logger = createLogger('silent')): Promise<string[]> {
  const lock = new pg.Client({ connectionString });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const orm = await MikroORM.init(ormConfig(connectionString, logger));
    try {
      const applied = await orm.migrator.up();
      for (const { name } of applied) logger.info({ migration: name }, `applied migration ${name}`);
      return applied.map(({ name }) => name);
    } finally {
      await orm.close(true);
    }
  } finally {
    await lock.end(); // ending the session releases the advisory lock
  }
}
