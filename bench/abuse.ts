/**
 * bench:abuse — the service beside hostile clients. On an embedded
 * PostgreSQL started for the run (temporary directory, deleted after) with
 * the reference city seeded, the whole service runs as its own process
 * (`node dist/main.js`) with its default limits. A well-behaved clerk asks
 * for a page of tasks at a steady 20 requests/s (open loop, timed from when
 * each request was due): on a fresh service for each attack, first alone
 * (idle), then beside the attack, the attacker at full speed. For each
 * attack it prints the good client's p50/p99 idle and attacked and their
 * ratios, its failures, the service's peak RSS (sampled every 100 ms from
 * /proc) idle and attacked, and the attacker's answers.
 *
 * Everything is on loopback; each attacker sends from an address of its
 * own (127.0.0.2 …), as a client elsewhere would, so that per-address
 * limits meet the attacker and not the good client on 127.0.0.1.
 * BENCH_ABUSE_SECONDS (default 15) sets each phase's length;
 * BENCH_ABUSE_ONLY (a word of the attacks' names) runs only those.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DEFAULTS } from '../config/config';
import { createLogger } from '../config/logger';
import { findViewer } from '../graphql/auth/find-viewer';
import { signDevelopmentToken } from '../graphql/auth/sign-token';
import type { AuthSettings } from '../graphql/auth/verify-token';
import { issueApiKey } from '../intake/open311/api-keys';
import { ensureDatabase } from '../orm/database';
import { startEmbeddedPostgres } from '../orm/embedded-postgres';
import { migrate } from '../orm/migrate';
import { seedCity } from '../orm/seed/seed-city';
import { pointInSeededGrid } from '../test-support/city';
import { freePort } from '../test-support/free-port';

const SECONDS = Number(process.env.BENCH_ABUSE_SECONDS ?? 15);
const GOOD_RATE = 20;
const ROOT = path.resolve(__dirname, '..', '..');
const MiB = 1024 * 1024;
const AUTH: AuthSettings = { authMode: 'development', jwtSecret: DEFAULTS.jwtSecret, jwksUrl: undefined, jwtIssuer: DEFAULTS.jwtIssuer, jwtAudience: DEFAULTS.jwtAudience };
const QUEUE = JSON.stringify({ query: 'query Queue { tasks(first: 20) { edges { node { id name priority } } pageInfo { hasNextPage } } }', operationName: 'Queue' });

interface Target {
  readonly apiPort: number;
  readonly open311Port: number;
  readonly apiKey: string;
  token(code: string): Promise<string>;
}

/** One attacker: runs until `stopped()` says so; counts answers by status. */
type Attack = (target: Target, from: string, stopped: () => boolean, statuses: Map<string, number>) => Promise<void>;

function count(statuses: Map<string, number>, status: string | number): void {
  statuses.set(String(status), (statuses.get(String(status)) ?? 0) + 1);
}

function request(options: http.RequestOptions & { body?: string | Buffer }): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', ...options }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', () => resolve({ status: -1, text: '' }));
    });
    req.on('error', () => resolve({ status: -1, text: '' }));
    req.end(options.body);
  });
}

function graphql(target: Target, from: string, agent: http.Agent, token: string, body: string): Promise<{ status: number; text: string }> {
  return request({
    port: target.apiPort,
    path: '/graphql',
    method: 'POST',
    localAddress: from,
    agent,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(body) },
    body,
  });
}

/** `parallel` loops of `send` at full speed. */
function flood(parallel: number, send: (agent: http.Agent, target: Target, from: string) => Promise<number>): Attack {
  return async (target, from, stopped, statuses) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: parallel });
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (!stopped()) count(statuses, await send(agent, target, from));
      }),
    );
    agent.destroy();
  };
}

const GRID_PAGE = 'grids(first: 100) { edges { node { code } } }';
const documents = {
  aliases: `{ ${Array.from({ length: 2_500 }, (_, i) => `g${i}: ${GRID_PAGE}`).join(' ')} }`,
  typename: `{ ${Array.from({ length: 10_000 }, (_, i) => `t${i}: __typename`).join(' ')} ${Array.from({ length: 30 }, (_, i) => `g${i}: ${GRID_PAGE}`).join(' ')} }`,
  fragments: `{ ...F0 } ${Array.from({ length: 10_000 }, (_, i) => (i < 9_999 ? `fragment F${i} on Query { ...F${i + 1} }` : `fragment F${i} on Query { me { code } }`)).join(' ')}`,
};

function documentAttack(document: string, code: string): Attack {
  const body = JSON.stringify({ query: document });
  return async (target, from, stopped, statuses) => {
    const token = await target.token(code);
    return flood(6, async (agent) => (await graphql(target, from, agent, token, body)).status)(target, from, stopped, statuses);
  };
}

/** A multipart upload of `fileBytes` on a raw socket, sent as fast as the server takes it; the status, or -1 when the server closed first. */
function upload(target: Target, from: string, fields: Record<string, string>, fileBytes: number): Promise<number> {
  const boundary = 'bench-abuse-boundary';
  const head = Buffer.from(
    Object.entries(fields)
      .map(([name, value]) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('') + `--${boundary}\r\ncontent-disposition: form-data; name="media"; filename="big.jpg"\r\ncontent-type: image/jpeg\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const chunk = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.alloc(MiB - 10, 7)]);
  return new Promise((resolve) => {
    const socket = connect({ port: target.open311Port, host: '127.0.0.1', localAddress: from });
    let done = false;
    let response = '';
    let sent = 0;
    const finish = (): void => {
      if (done) return;
      done = true;
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(response)?.[1];
      resolve(status === undefined ? -1 : Number(status));
    };
    socket.on('data', (data: Buffer) => {
      response += data.toString('utf8');
      if (/\r\n\r\n[\s\S]*\]\s*$/.test(response)) finish();
    });
    socket.on('close', finish);
    socket.on('error', finish);
    const pump = (): void => {
      while (!done && sent < fileBytes) {
        const piece = chunk.subarray(0, Math.min(chunk.length, fileBytes - sent));
        sent += piece.length;
        if (!socket.write(piece)) return void socket.once('drain', pump);
      }
      if (!done) socket.write(tail);
    };
    socket.on('connect', () => {
      socket.write(`POST /open311/v2/requests.json HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: multipart/form-data; boundary=${boundary}\r\ncontent-length: ${head.length + fileBytes + tail.length}\r\n\r\n`);
      socket.write(head);
      pump();
    });
  });
}

const inCity = pointInSeededGrid(0);
const report = { service_code: 'garbage', lat: String(inCity.lat), long: String(inCity.lon), description: 'bench' };

/** Connections that send a header line every second and never finish, `connections` of them kept open. */
const slowloris: Attack = async (target, from, stopped, statuses) => {
  const connections = 1_000;
  const open = new Set<ReturnType<typeof connect>>();
  const openOne = (): void => {
    if (stopped()) return;
    const socket = connect({ port: target.apiPort, host: '127.0.0.1', localAddress: from });
    open.add(socket);
    socket.on('connect', () => socket.write('POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\n'));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      open.delete(socket);
      count(statuses, 'closed by server');
      setImmediate(openOne);
    });
  };
  for (let i = 0; i < connections; i++) openOne();
  const timer = setInterval(() => {
    for (const socket of open) socket.write('x-slow: 1\r\n');
  }, 1_000);
  while (!stopped()) await new Promise((resolve) => setTimeout(resolve, 100));
  clearInterval(timer);
  for (const socket of open) socket.destroy();
};

const ATTACKS: readonly { readonly name: string; readonly from: string; readonly run: Attack }[] = [
  { name: 'GraphQL: 10,000 nodes in 2,500 aliases (6 in parallel)', from: '127.0.0.2', run: documentAttack(documents.aliases, 'citizen-000002') },
  { name: 'GraphQL: 10,000 __typename aliases + 30 grid pages', from: '127.0.0.3', run: documentAttack(documents.typename, 'citizen-000003') },
  { name: 'GraphQL: a chain of 10,000 fragments', from: '127.0.0.4', run: documentAttack(documents.fragments, 'citizen-000004') },
  {
    name: 'GraphQL: a burst from one token (16 in parallel)',
    from: '127.0.0.5',
    run: async (target, from, stopped, statuses) => {
      const token = await target.token('citizen-000005');
      const body = JSON.stringify({ query: '{ me { code } }' });
      return flood(16, async (agent) => (await graphql(target, from, agent, token, body)).status)(target, from, stopped, statuses);
    },
  },
  {
    name: 'GraphQL: forged tokens (16 in parallel)',
    from: '127.0.0.6',
    run: async (target, from, stopped, statuses) => {
      const forged = `${(await target.token('citizen-000006')).slice(0, -4)}AAAA`;
      const body = JSON.stringify({ query: '{ me { code } }' });
      return flood(16, async (agent) => (await graphql(target, from, agent, forged, body)).status)(target, from, stopped, statuses);
    },
  },
  {
    name: 'Open311: 80 MiB uploads without a key (8 in parallel)',
    from: '127.0.0.7',
    run: async (target, from, stopped, statuses) => {
      await Promise.all(Array.from({ length: 8 }, async () => {
        while (!stopped()) count(statuses, await upload(target, from, report, 80 * MiB));
      }));
    },
  },
  {
    name: 'Open311: 25 MiB photos with a valid key (4 in parallel)',
    from: '127.0.0.8',
    run: async (target, from, stopped, statuses) => {
      await Promise.all(Array.from({ length: 4 }, async () => {
        while (!stopped()) count(statuses, await upload(target, from, { api_key: target.apiKey, ...report }, 25 * MiB));
      }));
    },
  },
  {
    name: 'Open311: guessing API keys (16 in parallel)',
    from: '127.0.0.9',
    run: flood(16, async (agent, target, from) => (await request({ port: target.open311Port, path: `/open311/v2/requests.json?api_key=guess-${Math.random()}`, agent, localAddress: from })).status),
  },
  { name: 'HTTP API: slowloris, 1,000 connections dribbling headers', from: '127.0.0.10', run: slowloris },
];

interface Phase {
  readonly name: string;
  readonly p50: number;
  readonly p99: number;
  readonly sent: number;
  readonly failed: number;
  readonly peakRss: number;
  readonly attacker: Map<string, number>;
}

/** The good client: a clerk's task page at GOOD_RATE per second for `seconds`, timed from when each was due. */
async function goodClient(target: Target, token: string, seconds: number): Promise<{ latencies: number[]; failed: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const latencies: number[] = [];
  let failed = 0;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < seconds * GOOD_RATE; i++) {
    const due = start + (i * 1000) / GOOD_RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(
      graphql(target, '127.0.0.1', agent, token, QUEUE).then(({ status, text }) => {
        if (status === 200 && text.startsWith('{"data":{"tasks"')) latencies.push(performance.now() - due);
        else failed++;
      }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  return { latencies: latencies.sort((a, b) => a - b), failed };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Peak resident set of `pid` while `during` runs, sampled every 100 ms. */
async function peakRss<T>(pid: number, during: Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peak = Math.max(peak, kb * 1024);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const result = await during;
  running = false;
  await sampler;
  return { result, peak };
}

async function runPhase(name: string, target: Target, pid: number, goodToken: string, seconds = SECONDS, attack?: { run: Attack; from: string }): Promise<Phase> {
  let stop = false;
  const attacker = new Map<string, number>();
  const attacking = attack?.run(target, attack.from, () => stop, attacker).catch((error: unknown) => {
    count(attacker, `attacker failed: ${error instanceof Error ? error.message : String(error)}`);
  });
  const { result, peak } = await peakRss(pid, goodClient(target, goodToken, seconds));
  stop = true;
  await attacking;
  return { name, p50: percentile(result.latencies, 50), p99: percentile(result.latencies, 99), sent: seconds * GOOD_RATE, failed: result.failed, peakRss: peak, attacker };
}

async function main(): Promise<void> {
  const logger = createLogger('warn');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'grid-dispatch-bench-abuse-'));
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), password: 'bench', logger, detached: true });
  let service: ChildProcess | undefined;
  try {
    await ensureDatabase(server.url('postgres'), 'bench', logger);
    const url = server.url('bench');
    await migrate(url, logger);
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    pool.on('error', () => undefined);
    const setup = await pool.connect();
    try {
      await seedCity(setup);
    } finally {
      setup.release();
    }
    const apiKey = await issueApiKey(pool, 'bench hotline', 'hotline_12345');
    const apiPort = await freePort();
    const open311Port = await freePort();
    const target: Target = {
      apiPort,
      open311Port,
      apiKey,
      async token(code) {
        const client = await pool.connect();
        try {
          return await signDevelopmentToken(AUTH, await findViewer(client, code));
        } finally {
          client.release();
        }
      },
    };
    const goodToken = await target.token('clerk-roads-001');
    const rows: { idle: Phase; attacked: Phase }[] = [];
    // A fresh service for each attack, measured idle first: each attack's figures carry nothing of the one before.
    const only = process.env.BENCH_ABUSE_ONLY?.toLowerCase();
    for (const attack of ATTACKS.filter((candidate) => only === undefined || candidate.name.toLowerCase().includes(only))) {
      service = await startService(dir, url, apiPort, open311Port);
      const pid = service.pid!;
      await runPhase('warm-up', target, pid, goodToken, 10);
      const idle = await runPhase('idle', target, pid, goodToken);
      const attacked = await runPhase(attack.name, target, pid, goodToken, SECONDS, attack);
      rows.push({ idle, attacked });
      await stopService(service);
      service = undefined;
      console.error(`done: ${attack.name}`);
    }
    print(rows);
    await pool.end();
  } finally {
    if (service) await stopService(service);
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function startService(dir: string, url: string, apiPort: number, open311Port: number): Promise<ChildProcess> {
  const logFile = path.join(dir, 'service.log');
  const log = await open(logFile, 'w');
  const child = spawn(process.execPath, ['--enable-source-maps', path.join(ROOT, 'dist', 'main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      DATA_DIR: path.join(dir, 'data'),
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(await freePort()),
      OPEN311_PORT: String(open311Port),
      API_PORT: String(apiPort),
      LOG_LEVEL: 'warn',
      AUTH_MODE: 'development',
    },
    stdio: ['ignore', log.fd, log.fd],
  });
  await log.close();
  await waitForReady(child, apiPort, logFile);
  return child;
}

async function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function waitForReady(child: ChildProcess, apiPort: number, logFile: string): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited before it was ready:\n${await readFile(logFile, 'utf8')}`);
    const { status } = await request({ port: apiPort, path: '/readyz' });
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function print(rows: readonly { idle: Phase; attacked: Phase }[]): void {
  const cpus = os.cpus();
  const mb = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
  const ms = (value: number) => `${value.toFixed(1)}`;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  console.log('');
  console.log(`bench:abuse — ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; the service, PostgreSQL, the good client and the attacker share the cores.`);
  console.log(`good client: a clerk's page of 20 tasks at ${GOOD_RATE}/s, ${SECONDS} s idle then ${SECONDS} s beside the attack, on a fresh service with its default limits for each attack`);
  console.log('');
  console.log(`${'attack'.padEnd(58)} ${'idle p50/p99 ms'.padStart(16)} ${'attacked p50/p99 ms'.padStart(20)} ${'p50×'.padStart(6)} ${'p99×'.padStart(6)} ${'failed'.padStart(7)} ${'idle RSS'.padStart(9)} ${'peak RSS'.padStart(9)} ${'ΔRSS'.padStart(8)}  attacker's answers`);
  for (const { idle, attacked } of rows) {
    const answers = [...attacked.attacker].map(([status, n]) => `${status}: ${n}`).join(', ');
    const delta = attacked.peakRss - idle.peakRss;
    console.log(
      `${attacked.name.padEnd(58)} ${`${ms(idle.p50)}/${ms(idle.p99)}`.padStart(16)} ${`${ms(attacked.p50)}/${ms(attacked.p99)}`.padStart(20)} ${ratio(attacked.p50, idle.p50).padStart(6)} ${ratio(attacked.p99, idle.p99).padStart(6)} ${`${attacked.failed}/${attacked.sent}`.padStart(7)} ${mb(idle.peakRss).padStart(9)} ${mb(attacked.peakRss).padStart(9)} ${`${delta >= 0 ? '+' : ''}${mb(delta)}`.padStart(8)}  ${answers}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
