/** The readiness checks the service uses; the composition root picks them. */
import type { Pool } from 'pg';
import type { ReadinessCheck } from './ops-router';

/** A round trip to PostgreSQL through the service's pool. */
export function databaseCheck(pool: Pick<Pool, 'query'>, name = 'database'): ReadinessCheck {
  return {
    name,
    async check() {
      await pool.query('select 1');
    },
  };
}

/** Anything with Zeebe's Topology call: @camunda8/sdk's and zeebe-node's gRPC clients. */
export interface TopologySource {
  topology(): Promise<{ readonly brokers: readonly unknown[] }>;
}

/** The Zeebe gateway answers Topology through the client the workers use, and knows at least one broker. */
export function zeebeCheck(zeebe: TopologySource, name = 'zeebe'): ReadinessCheck {
  return {
    name,
    async check() {
      const topology = await zeebe.topology();
      if (topology.brokers.length === 0) throw new Error('the gateway knows no broker');
    },
  };
}

/**
 * The engine's REST API (v2) at `baseUrl` answers GET /v2/topology: a process
 * of another role finds it there. Any answer below 500 counts, a 401 too: the
 * API is there, it only wants a token that this check does not carry.
 */
export function restCheck(baseUrl: string, name = 'zeebe-rest'): ReadinessCheck {
  return {
    name,
    async check(signal) {
      const response = await fetch(`${baseUrl}/v2/topology`, { signal });
      await response.body?.cancel();
      if (response.status >= 500) throw new Error(`GET /v2/topology answered ${response.status}`);
    },
  };
}

/** The embedded engine serves: not reloading its state after PostgreSQL went away. */
export function engineCheck(engine: { readonly serving: boolean }, name = 'engine'): ReadinessCheck {
  return {
    name,
    check() {
      if (!engine.serving) throw new Error('the engine is reloading its state from PostgreSQL');
      return Promise.resolve();
    },
  };
}
