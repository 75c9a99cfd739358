/** The demonstrated service: `node dist/main.js` as its own process, as `npm start` runs it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface ServiceUrls {
  readonly api: string;
  readonly open311: string;
  readonly gateway: string;
}

export interface DemoService {
  readonly child: ChildProcess;
  readonly urls: ServiceUrls;
  /** SIGTERM, then waits for the ordered shutdown; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Beside this file's folder in a build (dist/demo → dist/main.js), or the build of the sources (tests). */
const MAIN = [path.resolve(__dirname, '..', 'main.js'), path.resolve(__dirname, '..', 'dist', 'main.js')].find((file) => existsSync(file)) ?? 'dist/main.js';
const STARTUP_TIMEOUT_MS = 180_000;
const SHUTDOWN_TIMEOUT_MS = 45_000;

/**
 * Starts the service with `env` on top of this process's environment and
 * waits for its last ready line. `log` receives every line it writes.
 */
export async function startDemoService(env: Record<string, string>, log: (line: string) => void): Promise<DemoService> {
  const child = spawn(process.execPath, ['--enable-source-maps', MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit');
  const seen: Record<string, string> = {};
  const ready = new Promise<ServiceUrls>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service was not ready within ${STARTUP_TIMEOUT_MS / 1000} s`)), STARTUP_TIMEOUT_MS);
    let pending = '';
    const onData = (chunk: Buffer): void => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        log(line);
        const listening = /"msg":"(gateway|open311|api) listening on ([^"]+)"/.exec(line);
        if (listening === null) continue;
        seen[listening[1]] = listening[2];
        if (listening[1] === 'api') {
          clearTimeout(timer);
          resolve({ api: `http://${seen['api']}`, open311: `http://${seen['open311'] ?? ''}`, gateway: seen['gateway'] ?? '(external)' });
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the service exited (code ${child.exitCode}) before it was ready`));
    });
  });
  const urls = await ready.catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    child,
    urls,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        // A shutdown that does not finish is cut short, as a second Ctrl-C would (the service then stops its PostgreSQL on exit).
        const insist = setTimeout(() => child.kill('SIGTERM'), SHUTDOWN_TIMEOUT_MS);
        await exited;
        clearTimeout(insist);
      }
      return child.exitCode;
    },
  };
}
