/**
 * bench:engine-statement — PostgreSQL's side of the engine's group commit
 * alone: the batches the real processor produces for the five-task process
 * (200 commands each by default: creations, then per task the activations and the
 * completions) written one durable statement at a time, as the engine writes
 * them, into a freshly migrated database. Prints the backend's CPU time per
 * job (from /proc) and the WAL it wrote per job, per batch kind, for each
 * variant of the schema, variants alternated and repeated.
 *
 * BENCH_STATEMENT_ROUNDS (10: × BENCH_STATEMENT_BATCH instances), BENCH_STATEMENT_BATCH
 * (200 commands a batch), BENCH_STATEMENT_REPEATS (3),
 * BENCH_STATEMENT_VARIANTS (as-is,job-state-index,no-instance-index,no-end-index,unlogged-record).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createLogger } from '../config/logger';
import { checksum, compileBpmn } from '../engine/model';
import { ProcessingContext } from '../engine/processor/context';
import { deployResources } from '../engine/processor/deploy-command';
import { ELEMENT_PROCESSORS } from '../engine/processor/element-processors';
import { createProcessInstance } from '../engine/processor/instance-commands';
import { activateJobs } from '../engine/processor/job-activation';
import { completeJob } from '../engine/processor/job-commands';
import { EngineState } from '../engine/state/engine-state';
import { batchStatement, writeBatch, type BatchStatement } from '../engine/state/sql/write-batch';
import { ensureDatabase } from '../orm/database';
import { startEmbeddedPostgres } from '../orm/embedded-postgres';
import { migrate } from '../orm/migrate';
import { freePort } from '../test-support/free-port';
import { processCpuSeconds } from './engine-proc';

const ROUNDS = Number(process.env.BENCH_STATEMENT_ROUNDS ?? 10);
const REPEATS = Number(process.env.BENCH_STATEMENT_REPEATS ?? 3);
const PER_BATCH = Number(process.env.BENCH_STATEMENT_BATCH ?? 200);
const FIXTURE = path.join(__dirname, '..', '..', 'engine', 'model', 'fixtures', 'bench-five-tasks.bpmn');

/** Schema changes tried against the batch statement (applied to that variant's database only). */
const VARIANTS: Record<string, readonly string[]> = {
  'as-is': [],
  // as before Migration20261205010001: a job's state in an index, so its activation is no HOT update
  'job-state-index': [
    'create index job_type_state_idx on engine.job (type, state)',
    'alter table engine.job reset (fillfactor)',
    'alter table engine.element_instance reset (fillfactor)',
    'alter table engine.variable reset (fillfactor)',
  ],
  'no-instance-index': ['drop index engine.record_process_instance_idx'],
  'no-end-index': ['drop index engine.record_element_end_idx'],
  'unlogged-record': ['alter table engine.record set unlogged'],
};

type Kind = 'create' | 'activate' | 'complete';

interface Batch {
  readonly kind: Kind;
  readonly statement: BatchStatement;
}

async function batches(): Promise<{ batches: Batch[]; jobs: number }> {
  const xml = readFileSync(FIXTURE);
  const processes = await compileBpmn(xml.toString('utf8'), 'bench-five-tasks.bpmn');
  const state = new EngineState();
  const deploy = new ProcessingContext(state, Date.now(), ELEMENT_PROCESSORS);
  deployResources(deploy, [{ name: 'bench-five-tasks.bpmn', content: xml, checksum: checksum(xml), processes }]);
  deploy.settle();
  const types = [...processes[0].elements.values()].flatMap((e) => ('job' in e && e.job.type.kind === 'static' ? [e.job.type.value] : []));
  const result: Batch[] = [];
  let jobs = 0;
  const batch = (kind: Kind, run: (ctx: ProcessingContext) => void) => {
    const ctx = new ProcessingContext(state, Date.now(), ELEMENT_PROCESSORS);
    run(ctx);
    ctx.settle();
    result.push({ kind, statement: batchStatement(ctx.changes) });
  };
  for (let round = 0; round < ROUNDS; round++) {
    batch('create', (ctx) => {
      for (let n = 0; n < PER_BATCH; n++) {
        createProcessInstance(ctx, { bpmnProcessId: processes[0].bpmnProcessId, variables: { n } });
        ctx.drain();
      }
    });
    for (const type of types) {
      let activated: number[] = [];
      batch('activate', (ctx) => {
        activated = activateJobs(ctx, { type, worker: 'bench', timeout: 60_000, fetchVariable: [] }, PER_BATCH).map((job) => job.key);
      });
      batch('complete', (ctx) => {
        for (const key of activated) {
          completeJob(ctx, key, {});
          ctx.drain();
          jobs++;
        }
      });
    }
  }
  return { batches: result, jobs };
}

async function main(): Promise<void> {
  const { batches: all, jobs } = await batches();
  const logger = createLogger('warn');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'grid-dispatch-statement-'));
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), password: 'bench', logger, detached: true });
  const names = (process.env.BENCH_STATEMENT_VARIANTS ?? Object.keys(VARIANTS).join(',')).split(',');
  const figures = new Map<string, Array<Record<Kind | 'all', number>>>();
  const walFigures = new Map<string, Array<Record<Kind | 'all', number>>>();
  try {
    await ensureDatabase(server.url('postgres'), 'template_engine', logger);
    await migrate(server.url('template_engine'), logger);
    const admin = new pg.Client({ connectionString: server.url('postgres') });
    await admin.connect();
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      for (const name of names) {
        const database = `statement_${name.replaceAll('-', '_')}_${repeat}`;
        await admin.query(`create database ${database} template template_engine`);
        const client = new pg.Client({ connectionString: server.url(database) });
        await client.connect();
        for (const statement of VARIANTS[name] ?? []) await client.query(statement);
        const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
        const cpu: Record<Kind | 'all', number> = { create: 0, activate: 0, complete: 0, all: 0 };
        const wal: Record<Kind | 'all', number> = { create: 0, activate: 0, complete: 0, all: 0 };
        for (const batch of all) {
          const walBefore = await walInsertPosition(client);
          const before = await processCpuSeconds(rows[0].pid);
          await writeBatch(client, batch.statement);
          const spent = (await processCpuSeconds(rows[0].pid)) - before;
          cpu[batch.kind] += (spent * 1000) / jobs;
          cpu.all += (spent * 1000) / jobs;
          const written = await walBytesSince(client, walBefore);
          wal[batch.kind] += written / jobs;
          wal.all += written / jobs;
        }
        await client.end();
        figures.set(name, [...(figures.get(name) ?? []), cpu]);
        walFigures.set(name, [...(walFigures.get(name) ?? []), wal]);
      }
    }
    await admin.end();
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`bench:engine-statement — ${all.length} batches of up to ${PER_BATCH} commands, ${jobs} jobs, PostgreSQL backend CPU per job`);
  for (const [name, runs] of figures) {
    const show = (kind: Kind | 'all') => runs.map((run) => run[kind].toFixed(3)).join(', ');
    console.log(`${name}: all ${show('all')} ms; create ${show('create')}; activate ${show('activate')}; complete ${show('complete')}`);
  }
  console.log('WAL per job (bytes)');
  for (const [name, runs] of walFigures) {
    const show = (kind: Kind | 'all') => runs.map((run) => run[kind].toFixed(0)).join(', ');
    console.log(`${name}: all ${show('all')}; create ${show('create')}; activate ${show('activate')}; complete ${show('complete')}`);
  }
}

async function walInsertPosition(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ lsn: string }>('select pg_current_wal_insert_lsn()::text as lsn');
  return rows[0].lsn;
}

async function walBytesSince(client: pg.Client, lsn: string): Promise<number> {
  const { rows } = await client.query<{ bytes: string }>('select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1::pg_lsn)::text as bytes', [lsn]);
  return Number(rows[0].bytes);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
