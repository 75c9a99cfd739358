/** bench:engine's output: each checkout's figures, then this checkout against the base as ratios. */
import os from 'node:os';
import type { MessageFigures, TimerFigures } from './engine-events';
import { describeLoad, describeMachine } from './machine';
import { describeMemory, heapKiBPerInstance, type MemoryFigures } from './engine-memory';
import { TASKS, type PhaseResult } from './engine-phase';
import type { StatementFigure } from './engine-statements';

export interface SuiteResult {
  readonly label: string;
  readonly poll: PhaseResult;
  readonly stream: PhaseResult;
  readonly latency: PhaseResult;
  readonly kib1: PhaseResult;
  readonly kib50: PhaseResult;
  readonly rest: PhaseResult;
  readonly timers: TimerFigures;
  readonly messages: MessageFigures;
  readonly memory: MemoryFigures;
  readonly statements: readonly StatementFigure[];
  readonly engine: string;
}

export function report(ceiling: number, suites: readonly SuiteResult[]): void {
  const cpus = os.cpus();
  console.log(`\nbench:engine — process of ${TASKS} sequential service tasks, @camunda8/sdk workers, durable commits`);
  console.log(`machine: ${describeMachine()}, ${describeLoad()}`);
  console.log(`ceiling: single-row durable INSERT commits, one connection: ${ceiling.toFixed(0)}/s`);
  for (const suite of suites) {
    console.log(`\n== ${suite.label}`);
    for (const r of [suite.poll, suite.stream, suite.latency, suite.kib1, suite.kib50, suite.rest]) {
      console.log(
        `${r.name}: ${r.instances} instances in ${r.seconds.toFixed(1)} s — ${r.instancesPerSecond.toFixed(0)} instances/s, ` +
          `${r.jobsPerSecond.toFixed(0)} completed jobs/s (${(r.jobsPerSecond / ceiling).toFixed(2)}× the ceiling); ` +
          `activation latency p50 ${r.activationP50.toFixed(1)} ms, p99 ${r.activationP99.toFixed(1)} ms; ` +
          `CPU per job: engine ${r.cpu.engine.toFixed(3)} ms, PostgreSQL ${r.cpu.postgres.toFixed(3)} ms, ` +
          `clients ${r.clientCpu.toFixed(3)} ms; machine busy ${r.busyCores.toFixed(2)} of ${cpus.length} cores; ${cpuBound(r, cpus.length, ceiling)}`,
      );
    }
    console.log(
      `REST/gRPC, polling workers: ${(suite.rest.jobsPerSecond / suite.poll.jobsPerSecond).toFixed(2)}× the completed jobs/s, ` +
        `activation latency p50 ${(suite.rest.activationP50 / suite.poll.activationP50).toFixed(2)}×, p99 ${(suite.rest.activationP99 / suite.poll.activationP99).toFixed(2)}×`,
    );
    console.log(suite.engine);
    const { timers: t, messages: m, memory: mem } = suite;
    console.log(
      `timers: ${t.timers} due at one moment (created in ${t.createSeconds.toFixed(1)} s, ` +
        `${t.createdAheadSeconds >= 0 ? `${t.createdAheadSeconds.toFixed(1)} s before the due time` : `NOT all before the due time: ${(-t.createdAheadSeconds).toFixed(1)} s late`}); ` +
        `all fired and completed ${t.drainSeconds.toFixed(2)} s ` +
        `after the due time; lag p50 ${t.lagP50.toFixed(0)} ms, p99 ${t.lagP99.toFixed(0)} ms; fired early: ${t.early}`,
    );
    console.log(`messages: ${m.messages} published at ${m.publishPerSecond.toFixed(0)}/s, ${m.correlatedPerSecond.toFixed(0)} instances/s correlated and completed (${(m.correlatedPerSecond / ceiling).toFixed(2)}× the ceiling)`);
    for (const line of describeMemory(mem)) console.log(line);
    for (const s of suite.statements) {
      console.log(
        `  pg_stat_statements: ${s.millisPerJob.toFixed(3)} ms/job, ${s.calls} calls, ${s.millisPerCall.toFixed(2)} ms/call, ` +
          `${s.rowsPerCall.toFixed(1)} rows/call, ${s.walBytesPerJob.toFixed(0)} WAL bytes/job — ${s.query}`,
      );
    }
  }
}

/**
 * What the cores allow: if the engine, PostgreSQL and the clients had every
 * core and spent the CPU per job they spent here, the jobs/s they could reach.
 * When that is near the measured rate, the phase was bound by CPU, not by
 * commits, and a higher rate needs less CPU per job on one side or another.
 */
function cpuBound(r: PhaseResult, cores: number, ceiling: number): string {
  const perJob = r.cpu.engine + r.cpu.postgres + r.clientCpu;
  const bound = (cores * 1000) / perJob;
  return `all ${cores} cores at this CPU per job: ${bound.toFixed(0)} jobs/s (${(bound / ceiling).toFixed(2)}× the ceiling; clients ${((r.clientCpu / perJob) * 100).toFixed(0)} % of it)`;
}

/** This checkout / the base, same run: below 1 is better for CPU and latency, above 1 for throughput. */
export function reportComparison(ceiling: number, base: SuiteResult, current: SuiteResult): void {
  const ratio = (after: number, before: number) => `${(after / before).toFixed(2)}×`;
  const cpu = (r: PhaseResult) => r.cpu.engine + r.cpu.postgres;
  console.log(`\n== ${current.label} / ${base.label}, same run`);
  for (const key of ['poll', 'stream', 'kib1', 'kib50', 'rest'] as const) {
    const [b, c] = [base[key], current[key]];
    console.log(
      `${c.name}: CPU per job (engine + PostgreSQL) ${cpu(b).toFixed(3)} → ${cpu(c).toFixed(3)} ms (${ratio(cpu(c), cpu(b))}; ` +
        `engine ${ratio(c.cpu.engine, b.cpu.engine)}, PostgreSQL ${ratio(c.cpu.postgres, b.cpu.postgres)}); ` +
        `completed jobs/s ${b.jobsPerSecond.toFixed(0)} → ${c.jobsPerSecond.toFixed(0)} (${ratio(c.jobsPerSecond, b.jobsPerSecond)}; ` +
        `${(b.jobsPerSecond / ceiling).toFixed(2)}× → ${(c.jobsPerSecond / ceiling).toFixed(2)}× the ceiling)`,
    );
  }
  const [bl, cl] = [base.latency, current.latency];
  console.log(
    `activation latency at half the saturated rate: p50 ${bl.activationP50.toFixed(1)} → ${cl.activationP50.toFixed(1)} ms (${ratio(cl.activationP50, bl.activationP50)}), ` +
      `p99 ${bl.activationP99.toFixed(1)} → ${cl.activationP99.toFixed(1)} ms (${ratio(cl.activationP99, bl.activationP99)}); rates ${bl.instancesPerSecond.toFixed(0)} and ${cl.instancesPerSecond.toFixed(0)} instances/s`,
  );
  console.log(
    `timers: all completed ${base.timers.drainSeconds.toFixed(2)} → ${current.timers.drainSeconds.toFixed(2)} s after the due time ` +
      `(${ratio(current.timers.drainSeconds, base.timers.drainSeconds)}); ` +
      `messages correlated ${base.messages.correlatedPerSecond.toFixed(0)} → ${current.messages.correlatedPerSecond.toFixed(0)}/s (${ratio(current.messages.correlatedPerSecond, base.messages.correlatedPerSecond)})`,
  );
  console.log(
    `memory per waiting instance: ${base.memory.kibPerInstance.toFixed(2)} → ${current.memory.kibPerInstance.toFixed(2)} KiB (${ratio(current.memory.kibPerInstance, base.memory.kibPerInstance)}); ` +
      `heap after full GC ${heapKiBPerInstance(base.memory).toFixed(2)} → ${heapKiBPerInstance(current.memory).toFixed(2)} KiB (${ratio(heapKiBPerInstance(current.memory), heapKiBPerInstance(base.memory))})`,
  );
}
