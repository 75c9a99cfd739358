import type pg from 'pg';
import type { Logger } from '../../config/logger';
import { seedCity, type SeedCounts } from './seed-city';

/** Taken for the transaction that checks and seeds: services starting together seed once. */
const SEED_LOCK = 'grid-dispatch:seed-reference-city';

export type SeedAtStart = { readonly seeded: true; readonly counts: SeedCounts; readonly seconds: number } | { readonly seeded: false };

/**
 * Seeds the reference city when the database has no grid yet. One
 * transaction holds an advisory lock, looks, and writes: a second service
 * starting at the same moment waits, then finds the city there; a start that
 * dies half-way leaves nothing behind, and the next start seeds again.
 */
export async function seedIfEmpty(pool: pg.Pool, logger: Logger): Promise<SeedAtStart> {
  const client = await pool.connect();
  let seeded = false;
  try {
    await client.query('begin');
    try {
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [SEED_LOCK]);
      const { rows } = await client.query<{ seeded: boolean }>('select exists (select 1 from public.grid) as seeded');
      if (rows[0]?.seeded === true) {
        await client.query('commit');
        return { seeded: false };
      }
      logger.info('the database has no city yet: seeding the reference city (AUTO_SEED=false turns this off)');
      const started = performance.now();
      const counts = await seedCity(client, { inTransaction: true });
      await client.query('commit');
      seeded = true;
      const seconds = Number(((performance.now() - started) / 1000).toFixed(2));
      logger.info({ ...counts, seconds }, `seeded ${counts.grids} grids, ${counts.departments} departments, ${counts.people} people in ${seconds.toFixed(1)} s`);
      return { seeded: true, counts, seconds };
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
  } finally {
    // Seeding leaves its backend holding about 110 MiB of private memory that
    // PostgreSQL does not give back; pooled, that connection would keep it for
    // the service's life (a listener takes it for good). Closed, it frees it.
    client.release(seeded);
  }
}
