/**
 * bench:engine-processing — the engine's processing alone: the five-task
 * process run through the command functions on an EngineState in this one
 * process, no PostgreSQL, no gRPC, no scheduler. Prints jobs per CPU second,
 * and again with each batch's statement parameters built (`batchStatement`,
 * what the engine sends PostgreSQL), runs of the two alternated, and what the
 * parameters cost per job.
 * On a shared machine the end-to-end bench:engine varies more between runs
 * than most engine changes move it; this figure does not, so compare it
 * between two checkouts, runs alternated.
 *
 * BENCH_PROCESSING_INSTANCES (30000) and BENCH_PROCESSING_RUNS (5) size it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checksum, compileBpmn } from '../engine/model';
import { ProcessingContext } from '../engine/processor/context';
import { deployResources } from '../engine/processor/deploy-command';
import { ELEMENT_PROCESSORS } from '../engine/processor/element-processors';
import { createProcessInstance } from '../engine/processor/instance-commands';
import { activateJobs } from '../engine/processor/job-activation';
import { completeJob } from '../engine/processor/job-commands';
import { EngineState } from '../engine/state/engine-state';
import { batchStatement } from '../engine/state/sql/write-batch';

const INSTANCES = Number(process.env.BENCH_PROCESSING_INSTANCES ?? 30_000);
const RUNS = Number(process.env.BENCH_PROCESSING_RUNS ?? 5);
const BATCH = 100;
const FIXTURE = path.join(__dirname, '..', '..', 'engine', 'model', 'fixtures', 'bench-five-tasks.bpmn');

async function main(): Promise<void> {
  const xml = readFileSync(FIXTURE);
  const processes = await compileBpmn(xml.toString('utf8'), 'bench-five-tasks.bpmn');
  const state = new EngineState();
  const deploy = new ProcessingContext(state, Date.now(), ELEMENT_PROCESSORS);
  deployResources(deploy, [{ name: 'bench-five-tasks.bpmn', content: xml, checksum: checksum(xml), processes }]);
  deploy.settle();
  const bpmnProcessId = processes[0].bpmnProcessId;
  const types = [...processes[0].elements.values()].flatMap((e) => ('job' in e && e.job.type.kind === 'static' ? [e.job.type.value] : []));

  /** Bytes of statement parameters built. */
  let parameters = 0;
  /** Batches of 100 instances: created, then each task's jobs activated and completed, each batch in a context of its own. */
  const run = (count: number, withParameters: boolean): void => {
    const settle = (ctx: ProcessingContext): void => {
      ctx.settle();
      // Measured up to the bytes pg would send: its writer takes each string's UTF-8 length, which flattens a string built by concatenation.
      if (withParameters) for (const p of batchStatement(ctx.changes).values) parameters += typeof p === 'string' ? Buffer.byteLength(p) : 1;
    };
    for (let done = 0; done < count; done += BATCH) {
      let ctx = new ProcessingContext(state, Date.now(), ELEMENT_PROCESSORS);
      for (let i = 0; i < BATCH; i++) {
        createProcessInstance(ctx, { bpmnProcessId, variables: { n: i, order: { id: 'x', total: 1 } } });
        ctx.drain();
      }
      settle(ctx);
      for (const type of types) {
        ctx = new ProcessingContext(state, Date.now(), ELEMENT_PROCESSORS);
        for (const job of activateJobs(ctx, { type, worker: 'bench', timeout: 60_000, fetchVariable: [] }, BATCH)) {
          completeJob(ctx, job.key, { r: 1 });
          ctx.drain();
        }
        settle(ctx);
      }
    }
  };

  run(2_000, true);
  parameters = 0;
  const figures = { processing: [] as number[], withParameters: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    for (const withParameters of [false, true]) {
      const started = process.cpuUsage();
      run(INSTANCES, withParameters);
      const cpu = process.cpuUsage(started);
      figures[withParameters ? 'withParameters' : 'processing'].push((INSTANCES * types.length) / ((cpu.user + cpu.system) / 1e6));
    }
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const line = (values: number[]): string => `median ${median(values).toFixed(0)} (runs: ${values.map((f) => f.toFixed(0)).join(', ')})`;
  const parametersMicros = 1e6 / median(figures.withParameters) - 1e6 / median(figures.processing);
  console.log(`bench:engine-processing — ${INSTANCES} instances of ${types.length} sequential service tasks per run, in memory`);
  console.log(`jobs per CPU second, processing: ${line(figures.processing)}`);
  console.log(`jobs per CPU second, processing and statement parameters: ${line(figures.withParameters)}`);
  console.log(`statement parameters: ${parametersMicros.toFixed(1)} µs of CPU per job, ${(parameters / (RUNS * INSTANCES * types.length)).toFixed(0)} bytes per job`);
  if (state.elementInstances.size !== 0) throw new Error(`${state.elementInstances.size} element instances left: the process did not complete`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
