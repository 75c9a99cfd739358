import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { ADMIN_URL_ENV, TEMPLATE_ENV, withClient } from './test-cluster';

export interface TestDatabase {
  /** Connection URL (superuser) of a database of its own. */
  readonly url: string;
  /** Drops it, closing any connections still open. Optional: the cluster is deleted after the run. */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** false: an empty database, no migrations applied (for testing migrations). Default true. */
  readonly migrated?: boolean;
}

let created = 0;

/** How long a drop waits for the test's own pools to finish closing before it forces them. */
const CLOSE_WAIT_MS = 2_000;

/**
 * pg's `pool.end()` resolves before its sockets have closed. Forcing the drop
 * while they close ends them from the server's side, and a pool without an
 * error listener then throws 57P01 as an unhandled error into the test file
 * that already passed. So the drop waits until the database has no other
 * sessions (polled, bounded), and forces only what is still open after that.
 */
async function waitForConnectionsToClose(client: Client, name: string): Promise<void> {
  const deadline = Date.now() + CLOSE_WAIT_MS;
  for (;;) {
    const { rows } = await client.query<{ open: number }>('select count(*)::int as open from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
    if (rows[0].open === 0 || Date.now() >= deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A fresh database on the test run's PostgreSQL, copied from the migrated
 * template (a file-level copy, a few milliseconds), so tests never see each
 * other's rows and may run in parallel.
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const adminUrl = process.env[ADMIN_URL_ENV];
  const template = options.migrated === false ? 'template0' : process.env[TEMPLATE_ENV];
  if (!adminUrl || !template) {
    throw new Error(`${ADMIN_URL_ENV} is not set: run tests through jest with this project's jest.config.js, whose globalSetup starts PostgreSQL`);
  }
  const name = `test_${process.pid}_${++created}_${randomBytes(3).toString('hex')}`;
  await withClient(adminUrl, (client) => client.query(`create database ${name} template ${client.escapeIdentifier(template)}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    drop: () =>
      (dropped ??= withClient(adminUrl, async (client) => {
        await waitForConnectionsToClose(client, name);
        await client.query(`drop database if exists ${name} with (force)`);
      })),
  };
}
