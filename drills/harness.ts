/**
 * What every drill shares: a service of its own (temporary DATA_DIR, free
 * ports), a list of checks that are printed as they are decided, and polling.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startDemoService, type DemoService } from '../demo/service';
import { freePort } from '../test-support/free-port';

export interface Check {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

/** The checks a drill decided, printed one line each as they come. */
export class Checks {
  readonly list: Check[] = [];

  constructor(private readonly print: (line: string) => void = (line) => console.log(line)) {}

  check(name: string, passed: boolean, detail: string): boolean {
    this.list.push({ name, passed, detail });
    this.print(`  ${passed ? 'PASS' : 'FAIL'}  ${name}: ${detail}`);
    return passed;
  }

  note(line: string): void {
    this.print(`        ${line}`);
  }

  get passed(): boolean {
    return this.list.length > 0 && this.list.every((check) => check.passed);
  }
}

export { freePort };

export interface DrillService {
  readonly service: DemoService;
  readonly dataDir: string;
  readonly gatewayPort: number;
  readonly apiUrl: string;
  readonly open311Url: string;
  /** The service's log lines so far. */
  readonly log: string[];
  /** The embedded PostgreSQL's postmaster PID (from postmaster.pid); undefined with an external one. */
  postmasterPid(): Promise<number | undefined>;
  /** A superuser URL of the embedded cluster's application database. */
  databaseUrl(): Promise<string>;
  stop(): Promise<number | null>;
}

export interface DrillServiceOptions {
  /** An existing DATA_DIR (restore drill); default a new temporary one, removed by stop(). */
  readonly dataDir?: string;
  readonly env?: Record<string, string>;
}

/** The service with the embedded PostgreSQL (unless env names DATABASE_URL) in a DATA_DIR of its own. */
export async function startDrillService(options: DrillServiceOptions = {}): Promise<DrillService> {
  const owned = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'grid-drill-')));
  const [gatewayPort, pgPort] = [await freePort(), await freePort()];
  const log: string[] = [];
  const service = await startDemoService(
    {
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(pgPort),
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(gatewayPort),
      REST_PORT: '0',
      API_PORT: '0',
      OPEN311_PORT: '0',
      LOG_LEVEL: 'info',
      ...options.env,
    },
    (line) => {
      log.push(line);
      if (log.length > 20_000) log.splice(0, 10_000);
    },
  ).catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; its last lines:\n${log.slice(-8).join('\n')}`, { cause: error });
  });
  const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
  return {
    service,
    dataDir,
    gatewayPort,
    apiUrl: service.urls.api,
    open311Url: service.urls.open311,
    log,
    postmasterPid: async () => {
      const text = await readFile(pidFile, 'utf8').catch(() => '');
      const pid = Number(text.split('\n', 1)[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    },
    databaseUrl: async () => {
      if (options.env?.DATABASE_URL !== undefined) return options.env.DATABASE_URL;
      const password = (await readFile(path.join(dataDir, 'postgres.password'), 'utf8')).trim();
      return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/grid_dispatch`;
    },
    stop: async () => {
      const code = await service.stop();
      if (owned) await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Polls `probe` until it yields a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `--name=value` from argv, else `fallback`. */
export function argument(name: string, fallback: string): string {
  const prefix = `--${name}=`;
  const found = process.argv.find((arg) => arg.startsWith(prefix));
  return found === undefined ? fallback : found.slice(prefix.length);
}
