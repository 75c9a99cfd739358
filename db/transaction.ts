import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` on a client of its own and gives the client back. A client whose
 * connection failed meanwhile (the server ended the session, the network
 * dropped) is destroyed, never handed to the next caller.
 */
export async function withClient<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const lease = await checkOut(pool);
  try {
    return await work(lease.client);
  } finally {
    lease.release();
  }
}

/**
 * Runs `work` in a transaction on a client of its own: commits when it
 * resolves, rolls back when it throws. A client that cannot roll back is in
 * an unknown state and is destroyed (see withClient).
 */
export async function transaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const lease = await checkOut(pool);
  try {
    await lease.client.query('begin');
    const result = await work(lease.client);
    await lease.client.query('commit');
    return result;
  } catch (error) {
    await lease.client.query('rollback').catch((failed: unknown) => lease.fail(failed));
    throw error;
  } finally {
    lease.release();
  }
}

interface Lease {
  readonly client: PoolClient;
  fail(error: unknown): void;
  release(): void;
}

async function checkOut(pool: Pool): Promise<Lease> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const fail = (error: unknown): void => {
    broken ??= error instanceof Error ? error : new Error(String(error));
  };
  // The pool listens for errors of idle clients only: without this listener a
  // checked-out client's lost connection is an unhandled 'error' event.
  client.on('error', fail);
  return {
    client,
    fail,
    release: () => {
      client.off('error', fail);
      // With an error, the pool destroys the client instead of keeping it.
      client.release(broken);
    },
  };
}
