/**
 * bench:rest-client — what the task list's REST transport costs per listener
 * job: Camunda's REST client (`@camunda8/orchestration-cluster-api`) over
 * Node's fetch, and over node:http (http/node-http-fetch.ts), against the
 * embedded engine's REST gateway in the same process, as the service runs
 * them. Each job is what the task list does for a new Camunda user task: a
 * creating listener's job activated (one per long poll, as tasks arrive one
 * at a time) and completed. Rounds alternate between the two clients; CPU is
 * this process's (client, gateway and engine) and PostgreSQL's, from /proc.
 * A benchmark, not a test: it prints figures and ratios and never fails on
 * a number.
 *
 * BENCH_REST_CLIENT_JOBS (default 1,000) jobs per round,
 * BENCH_REST_CLIENT_ROUNDS (default 3) rounds per client.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createCamundaClient, type CamundaClient } from '@camunda8/orchestration-cluster-api';
import pg from 'pg';
import { createLogger } from '../config/logger';
import { model, start, end } from '../engine/testing/bpmn';
import { startRestGateway } from '../engine/rest/server';
import { startEngine, type Engine } from '../engine/start-engine';
import { nodeHttpFetch } from '../http/node-http-fetch';
import { ensureDatabase } from '../orm/database';
import { startEmbeddedPostgres } from '../orm/embedded-postgres';
import { migrate } from '../orm/migrate';
import { freePort } from '../test-support/free-port';
import { cpuPer, sampleCpu, type CpuSample } from './engine-proc';

const JOBS = Number(process.env.BENCH_REST_CLIENT_JOBS ?? 1_000);
const ROUNDS = Number(process.env.BENCH_REST_CLIENT_ROUNDS ?? 3);
const LISTENER_TYPE = 'bench:task-list';
const PROCESS_ID = 'bench-user-task';

const BPMN = model(
  PROCESS_ID,
  [
    start(),
    '<bpmn:userTask id="task"><bpmn:extensionElements><zeebe:userTask />' +
      `<zeebe:taskListeners><zeebe:taskListener eventType="creating" type="${LISTENER_TYPE}" /></zeebe:taskListeners>` +
      '</bpmn:extensionElements></bpmn:userTask>',
    end(),
  ],
  ['start->task', 'task->end'],
);

type Transport = 'fetch' | 'node:http';

interface Round {
  readonly wallMs: number;
  readonly cpu: CpuSample;
}

async function main(): Promise<void> {
  const logger = createLogger('warn');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'grid-dispatch-bench-rest-client-'));
  const dataDir = path.join(dir, 'pg');
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), password: 'bench', logger, detached: true });
  const pool = new pg.Pool({ connectionString: server.url('bench'), max: 10 });
  let engine: Engine | undefined;
  try {
    await ensureDatabase(server.url('postgres'), 'bench', logger);
    await migrate(server.url('bench'), logger);
    engine = await startEngine({ pool, logger });
    const rest = await startRestGateway({ engine, db: pool, host: '127.0.0.1', port: 0, logger });
    try {
      await engine.deployResources([{ name: `${PROCESS_ID}.bpmn`, content: Buffer.from(BPMN) }]);
      const address = `http://127.0.0.1:${rest.port}/v2`;
      const config = { CAMUNDA_REST_ADDRESS: address, CAMUNDA_AUTH_STRATEGY: 'NONE', CAMUNDA_SDK_LOG_LEVEL: 'silent' } as const;
      const clients: Record<Transport, CamundaClient> = {
        fetch: createCamundaClient({ config }),
        'node:http': createCamundaClient({ config, fetch: nodeHttpFetch() }),
      };
      const rounds: Record<Transport, Round[]> = { fetch: [], 'node:http': [] };
      // Warm both up (JIT, connections) before anything is counted.
      for (const transport of ['fetch', 'node:http'] as const) await runRound(engine, clients[transport], dataDir, Math.min(200, JOBS));
      const order: Transport[] = [];
      for (let i = 0; i < ROUNDS; i++) order.push(...(i % 2 === 0 ? (['fetch', 'node:http'] as const) : (['node:http', 'fetch'] as const)));
      for (const transport of order) {
        const round = await runRound(engine, clients[transport], dataDir, JOBS);
        rounds[transport].push(round);
        console.log(`round, ${transport.padEnd(9)}: ${describe(round, JOBS)}`);
      }
      report(rounds);
    } finally {
      await rest.close();
    }
  } finally {
    await engine?.stop();
    await pool.end();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Creates `jobs` user tasks, then takes and completes their creating
 * listeners' jobs one at a time, measured (the engine has created each
 * listener job before it answers the instance's creation).
 */
async function runRound(engine: Engine, client: CamundaClient, dataDir: string, jobs: number): Promise<Round> {
  for (let i = 0; i < jobs; i++) await engine.createProcessInstance({ bpmnProcessId: PROCESS_ID, variables: { i } });
  const before = await sampleCpu(process.pid, dataDir);
  const started = performance.now();
  for (let done = 0; done < jobs; ) {
    const { jobs: taken } = await client.activateJobs({ type: LISTENER_TYPE, worker: 'bench', maxJobsToActivate: 1, timeout: 60_000, requestTimeout: 5_000 });
    for (const job of taken) await client.completeJob({ jobKey: job.jobKey });
    done += taken.length;
  }
  const wallMs = performance.now() - started;
  const after = await sampleCpu(process.pid, dataDir);
  return { wallMs, cpu: cpuPer(before, after, jobs) };
}

function describe(round: Round, jobs: number): string {
  return `${(round.wallMs / jobs).toFixed(3)} ms wall, ${round.cpu.engine.toFixed(3)} ms CPU in this process, ${round.cpu.postgres.toFixed(3)} ms in PostgreSQL per job`;
}

function report(rounds: Record<Transport, Round[]>): void {
  const mean = (list: Round[], pick: (round: Round) => number) => list.reduce((sum, round) => sum + pick(round), 0) / list.length;
  const figures = (transport: Transport) => ({
    wall: mean(rounds[transport], (round) => round.wallMs) / JOBS,
    process: mean(rounds[transport], (round) => round.cpu.engine),
    postgres: mean(rounds[transport], (round) => round.cpu.postgres),
  });
  const before = figures('fetch');
  const after = figures('node:http');
  console.log(`\n=== a creating listener's job through Camunda's REST client: activated alone and completed (${ROUNDS} rounds of ${JOBS} jobs per transport, alternating)`);
  for (const [name, f] of [['fetch', before], ['node:http', after]] as const) {
    console.log(`  ${name.padEnd(9)}  wall ${f.wall.toFixed(3)} ms, CPU ${f.process.toFixed(3)} ms in the process (client, gateway, engine), ${f.postgres.toFixed(3)} ms in PostgreSQL per job`);
  }
  console.log(
    `  node:http / fetch: wall ${(after.wall / before.wall).toFixed(2)}×, process CPU ${(after.process / before.process).toFixed(2)}× (${(before.process - after.process).toFixed(3)} ms less per job), PostgreSQL ${(after.postgres / before.postgres).toFixed(2)}×`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
