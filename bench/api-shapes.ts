/**
 * The service as bench:api runs it, in one of two shapes on the same
 * database: `all-in-one` (one `node dist/main.js` with every role) or `split`
 * (an engine process, two API replicas, two worker processes, one task list:
 * the shape of docker-compose.yml). Each process logs to a file of its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '../test-support/free-port';

export const SHAPES = ['all-in-one', 'split'] as const;
export type Shape = (typeof SHAPES)[number];

export interface RunningShape {
  readonly shape: Shape;
  /** The GraphQL endpoints, one per API replica. */
  readonly apiUrls: readonly string[];
  /** Node processes of the shape, for the report. */
  readonly processes: number;
  stop(): Promise<void>;
}

export interface ShapeOptions {
  readonly root: string;
  readonly databaseUrl: string;
  /** Log files go here, `<shape>-<process>.log`. */
  readonly dir: string;
  /** Settings every process gets on top of the shape's own. */
  readonly env: Record<string, string>;
  readonly nodeArgs: readonly string[];
}

const READY = /"msg":"ready: /;

export function parseShapes(raw: string): Shape[] {
  const shapes = raw.split(',').map((shape) => shape.trim());
  for (const shape of shapes) if (!(SHAPES as readonly string[]).includes(shape)) throw new Error(`BENCH_API_SHAPES: unknown shape ${JSON.stringify(shape)}, expected ${SHAPES.join(', ')}`);
  return shapes as Shape[];
}

export async function startShape(shape: Shape, options: ShapeOptions): Promise<RunningShape> {
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    // API and workers first, the engine last, as an operator would.
    for (const child of [...children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  };
  const start = async (name: string, env: Record<string, string>): Promise<void> => {
    const logFile = path.join(options.dir, `${shape}-${name}.log`);
    const log = await open(logFile, 'w');
    const child = spawn(process.execPath, ['--enable-source-maps', ...options.nodeArgs, path.join(options.root, 'dist', 'main.js')], {
      env: { ...process.env, DATABASE_URL: options.databaseUrl, GATEWAY_HOST: '127.0.0.1', OPEN311_PORT: '0', REST_PORT: '0', LOG_LEVEL: 'info', ...options.env, ...env },
      stdio: ['ignore', log.fd, 'inherit'],
    });
    await log.close();
    children.push(child);
    await waitForLog(child, logFile, READY);
  };
  try {
    switch (shape) {
      case 'all-in-one': {
        const apiPort = await freePort();
        await start('service', { GATEWAY_PORT: String(await freePort()), API_PORT: String(apiPort) });
        return { shape, apiUrls: [`http://127.0.0.1:${apiPort}/graphql`], processes: 1, stop };
      }
      case 'split': {
        const [gateway, rest] = [await freePort(), await freePort()];
        await start('engine', { ROLES: 'engine', GATEWAY_PORT: String(gateway), REST_PORT: String(rest), API_PORT: '0' });
        const elsewhere = { ZEEBE_ADDRESS: `127.0.0.1:${gateway}`, ZEEBE_REST_ADDRESS: `http://127.0.0.1:${rest}`, ENGINE_TABLES: 'true' };
        await start('workers-1', { ...elsewhere, ROLES: 'workers', API_PORT: '0' });
        const apiPorts = [await freePort(), await freePort()];
        await Promise.all([
          start('workers-2', { ...elsewhere, ROLES: 'workers', API_PORT: '0' }),
          start('tasklist', { ...elsewhere, ROLES: 'tasklist', API_PORT: '0' }),
          ...apiPorts.map((port, i) => start(`api-${i + 1}`, { ...elsewhere, ROLES: 'api,intake', API_PORT: String(port) })),
        ]);
        return { shape, apiUrls: apiPorts.map((port) => `http://127.0.0.1:${port}/graphql`), processes: children.length, stop };
      }
      default:
        return shape satisfies never;
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

export async function waitForLog(child: ChildProcess, file: string, pattern: RegExp): Promise<void> {
  for (;;) {
    const text = await readFile(file, 'utf8');
    if (pattern.test(text)) return;
    if (child.exitCode !== null) throw new Error(`a service process exited before it was ready:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
