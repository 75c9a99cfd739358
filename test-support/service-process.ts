/**
 * The service as its own process (`node dist/main.js`), for tests that kill it
 * the way an operating system would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  output(): string;
}

const MAIN = path.resolve(__dirname, '..', 'dist', 'main.js');

/** The last line a start logs: everything is up. */
export const READY = /api listening on /;

export async function startServiceProcess(env: Record<string, string>, readyPattern = READY): Promise<ServiceProcess> {
  // As an operator runs it: not under jest's NODE_ENV=test, which some libraries read (Apollo Server's signal handling).
  const { NODE_ENV: _jest, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--enable-source-maps', MAIN], {
    // Ephemeral ports for everything the service listens on, so services started side by side never collide.
    env: { ...inherited, LOG_LEVEL: 'info', OPEN311_PORT: '0', API_PORT: '0', REST_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = once(child, 'exit').then(() => undefined);
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (readyPattern.test(output)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => reject(new Error(`the service exited before it was ready:\n${output}`)));
  });
  await ready;
  return { child, exited, output: () => output };
}
