/**
 * A checkout's service as the engine benches run it: `dist/main.js` in a
 * process of its own on free ports, with `--inspect` on loopback for the
 * memory case (engine-heap.ts), the SDK connected and the five-task model
 * deployed. BENCH_ENGINE_NODE_ARGS passes Node options to it.
 */
import { Camunda8 } from '@camunda8/sdk';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { freePort } from '../test-support/free-port';
import type { Checkout } from './engine-checkout';
import type { Target } from './engine-phase';

const FIXTURE = path.resolve(__dirname, '..', '..', 'engine', 'model', 'fixtures', 'bench-five-tasks.bpmn');

export interface BenchService {
  readonly target: Target;
  readonly inspectPort: number;
  /** Everything the service wrote to stdout so far (its JSON log). */
  output(): string;
  /** Closes the client and stops the service with SIGTERM; resolves once it exited. Safe to call again. */
  stop(): Promise<void>;
}

/** Starts the checkout's service on the database at `url` and waits until both its gateways listen. */
export async function startBenchService(checkout: Checkout, url: string, dataDir: string, pool: pg.Pool): Promise<BenchService> {
  const [grpcPort, restPort, inspectPort] = [await freePort(), await freePort(), await freePort()];
  const nodeArgs = (process.env.BENCH_ENGINE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // The service migrates its own database at start, so each checkout gets its own schema.
  const engine = spawn(process.execPath, [...nodeArgs, `--inspect=127.0.0.1:${inspectPort}`, path.join(checkout.root, 'dist', 'main.js')], {
    cwd: checkout.root,
    // API_PORT 0: two runs on one machine (or the service itself) must not collide on the default port.
    env: { ...process.env, DATABASE_URL: url, GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: String(grpcPort), OPEN311_PORT: '0', API_PORT: '0', REST_PORT: String(restPort), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  let stopping: Promise<void> | undefined;
  engine.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  engine.on('exit', (code, signal) => {
    if (stopping === undefined) console.error(`the engine exited (${code ?? signal}):\n${output.split('\n').slice(-20).join('\n')}`);
  });
  const kill = async (): Promise<void> => {
    if (engine.exitCode !== null || engine.signalCode !== null) return;
    engine.kill('SIGTERM');
    await once(engine, 'exit');
  };
  try {
    for (const pattern of [/gateway listening on /, /REST gateway listening on /]) {
      while (!pattern.test(output)) {
        if (engine.exitCode !== null) throw new Error(`the engine exited before it was ready:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  } catch (error) {
    stopping = kill();
    await stopping;
    throw error;
  }
  const zeebe = new Camunda8({
    ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${grpcPort}`,
    CAMUNDA_AUTH_STRATEGY: 'NONE',
    CAMUNDA_LOG_LEVEL: 'none',
    zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
  } as never).getZeebeGrpcApiClient();
  const stop = (): Promise<void> => (stopping ??= zeebe.close().then(kill, kill));
  try {
    await zeebe.deployResource({ name: 'bench-five-tasks.bpmn', process: await readFile(FIXTURE) } as never);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    target: { zeebe, pool, grpcPort, restPort, enginePid: engine.pid!, dataDir },
    inspectPort,
    output: () => output,
    stop,
  };
}
