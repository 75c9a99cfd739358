/**
 * A real engine for e2e tests: its own PostgreSQL database, the engine on it,
 * the gRPC gateway and the REST API (v2) on ephemeral loopback ports.
 */
import { Pool } from 'pg';
import pino from 'pino';

import { startGateway, type Gateway, type GatewayAuthenticator } from '../engine/gateway';
import { startRestGateway, type RestGateway } from '../engine/rest/server';
import { startEngine, type EngineOptions } from '../engine/start-engine';
import { createTestDatabase } from './database';

export type RunningEngine = Awaited<ReturnType<typeof startEngine>>;

export interface IncidentRow {
  readonly key: string;
  readonly processInstanceKey: string;
  readonly elementInstanceKey: string;
  readonly jobKey: string | null;
  readonly errorType: string;
  readonly errorMessage: string;
}

export interface TestEngine {
  /** `127.0.0.1:port`, for clients that take host and port together. */
  readonly address: string;
  readonly port: number;
  /** The REST API's port on 127.0.0.1. */
  readonly restPort: number;
  /** `http://127.0.0.1:port/v2`, as CAMUNDA_REST_ADDRESS takes it. */
  readonly restAddress: string;
  /** The engine currently running; a new object after restart(). */
  readonly engine: RunningEngine;
  /** A pool on the test database, for assertions on the engine's tables. */
  readonly pool: Pool;
  readonly databaseUrl: string;
  /** Open incidents of a process instance, oldest first. */
  incidents(processInstanceKey: string | number): Promise<IncidentRow[]>;
  /** Stops engine and gateway, then (after `downtimeMs`, default 0) starts both again on the same database and port. */
  restart(downtimeMs?: number): Promise<void>;
  /** Stops everything and drops the database. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
/** SQLSTATE of "terminating connection due to administrator command". */
const ADMIN_SHUTDOWN = '57P01';

interface Running {
  readonly engine: RunningEngine;
  readonly gateway: Gateway;
  readonly rest: RestGateway;
  readonly pool: Pool;
}

interface Ports {
  readonly grpc: number;
  readonly rest: number;
}

async function startOn(databaseUrl: string, ports: Ports, options: TestEngineOptions): Promise<Running> {
  const logger = pino({ level: 'warn' });
  // A pool per start, as a restarted process would have: nothing cached survives.
  const pool = new Pool({ connectionString: databaseUrl });
  // As the service's own pool does (main.ts): an idle connection that the server ends — here when the
  // test database is dropped at the end of a file — must not crash the test run; anything else is shown.
  pool.on('error', (error: Error & { code?: string }) => {
    if (error.code !== ADMIN_SHUTDOWN) logger.warn({ err: error }, `idle database connection failed: ${error.message}`);
  });
  let engine: RunningEngine | undefined;
  let gateway: Gateway | undefined;
  try {
    const { authenticate, ...engineOptions } = options;
    engine = await startEngine({ pool, logger, ...engineOptions });
    gateway = await startGateway({ engine, host: HOST, port: ports.grpc, logger, authenticate });
    const rest = await startRestGateway({ engine, db: pool, host: HOST, port: ports.rest, logger });
    return { engine, gateway, rest, pool };
  } catch (error) {
    await gateway?.stop().catch(() => undefined);
    await engine?.stop().catch(() => undefined);
    await pool.end().catch(() => undefined);
    throw error;
  }
}

async function stopRunning(running: Running): Promise<void> {
  // The gateways first: no command may reach an engine that is going away.
  await running.rest.close();
  await running.gateway.stop();
  await running.engine.stop();
  await running.pool.end();
}

/**
 * Engine settings a test may narrow, e.g. a tiny queue to provoke back-pressure, an observer for
 * metrics, or a clock of its own; and the gateway's authentication, if the test wants callers checked.
 */
export type TestEngineOptions = Partial<Pick<EngineOptions, 'maxQueuedCommands' | 'maxBatchSize' | 'observer' | 'now'>> & {
  readonly authenticate?: GatewayAuthenticator;
};

export async function startTestEngine(options: TestEngineOptions = {}): Promise<TestEngine> {
  const database = await createTestDatabase();
  let running: Running;
  try {
    running = await startOn(database.url, { grpc: 0, rest: 0 }, options);
  } catch (error) {
    await database.drop().catch(() => undefined);
    throw error;
  }
  const port = running.gateway.port;
  const restPort = running.rest.port;
  let stopped = false;

  return {
    address: `${HOST}:${port}`,
    port,
    restPort,
    restAddress: `http://${HOST}:${restPort}/v2`,
    databaseUrl: database.url,
    get engine() {
      return running.engine;
    },
    get pool() {
      return running.pool;
    },
    async incidents(processInstanceKey) {
      const { rows } = await running.pool.query<IncidentRow>(
        `select key::text as "key",
                process_instance_key::text as "processInstanceKey",
                element_instance_key::text as "elementInstanceKey",
                job_key::text as "jobKey",
                error_type as "errorType",
                error_message as "errorMessage"
           from engine.incident
          where process_instance_key = $1
          order by key`,
        [String(processInstanceKey)],
      );
      return rows;
    },
    async restart(downtimeMs = 0) {
      await stopRunning(running);
      if (downtimeMs > 0) await new Promise((resolve) => setTimeout(resolve, downtimeMs));
      running = await startOn(database.url, { grpc: port, rest: restPort }, options);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await stopRunning(running);
      } finally {
        await database.drop();
      }
    },
  };
}

/**
 * Polls `probe` until it returns something other than undefined, or fails
 * after `timeoutMs` with the last error or value seen. For facts that no
 * client event announces (a row written, a job come back).
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 10_000, intervalMs = 50, what = 'condition' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
