/**
 * bench:engine's memory case: the engine's resident set idle, with `count`
 * instances each waiting on a job (a one-task process, no worker running),
 * and again after workers have completed them all.
 */
import path from 'node:path';
import { memoryAfterGc, writeHeapSnapshot } from './engine-heap';
import { residentMiB } from './engine-proc';
import { IN_FLIGHT, inParallel, startWorkers, stopWorkers, whenFinished, type Target } from './engine-phase';

const ONE_TASK_PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="bench-one-task-definitions" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="bench-one-task" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task" />
    <bpmn:serviceTask id="task"><bpmn:extensionElements><zeebe:taskDefinition type="task-1" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

/** Time for the engine's heap to settle after a burst before its RSS is read. */
const SETTLE_MS = 3_000;

export interface MemoryFigures {
  readonly waiting: number;
  readonly idleMiB: number;
  readonly waitingMiB: number;
  readonly afterMiB: number;
  /** (waiting − idle) per waiting instance. */
  readonly kibPerInstance: number;
  readonly createSeconds: number;
  readonly completeSeconds: number;
  /** Read through the engine's inspector when it has one: V8 heap used, then RSS, after full collections. */
  readonly afterGc?: { readonly idle: HeapReading; readonly waiting: HeapReading; readonly after: HeapReading };
}

export interface HeapReading {
  readonly heapMiB: number;
  /** V8 heap committed, used or not. */
  readonly heapTotalMiB: number;
  /** Buffers and other memory outside V8's heap that Node accounts for. */
  readonly externalMiB: number;
  readonly rssMiB: number;
}

export interface MemoryProbe {
  /** The engine's `--inspect` port. */
  readonly inspectPort: number;
  /** Writes a heap snapshot at each of the three points into this directory, when set. */
  readonly snapshotDir?: string;
}

export async function runMemoryCase(target: Target, count: number, probe?: MemoryProbe): Promise<MemoryFigures> {
  await target.zeebe.deployResource({ name: 'bench-one-task.bpmn', process: Buffer.from(ONE_TASK_PROCESS) } as never);
  await settle();
  const idleMiB = await residentMiB(target.enginePid);
  const idle = probe && (await readAfterGc(target, probe, 'idle'));
  const created = performance.now();
  await inParallel(count, IN_FLIGHT, (n) => target.zeebe.createProcessInstance({ bpmnProcessId: 'bench-one-task', variables: { n } }));
  const createSeconds = (performance.now() - created) / 1000;
  await settle();
  const waitingMiB = await residentMiB(target.enginePid);
  const waiting = probe && (await readAfterGc(target, probe, 'waiting'));
  const completed = performance.now();
  const workers = await startWorkers(target.grpcPort, 'poll', 1);
  await whenFinished(workers, count);
  const completeSeconds = (performance.now() - completed) / 1000;
  await stopWorkers(workers);
  await settle();
  const afterMiB = await residentMiB(target.enginePid);
  const after = probe && (await readAfterGc(target, probe, 'after'));
  return {
    waiting: count,
    idleMiB,
    waitingMiB,
    afterMiB,
    kibPerInstance: ((waitingMiB - idleMiB) * 1024) / count,
    createSeconds,
    completeSeconds,
    afterGc: idle && waiting && after && { idle, waiting, after },
  };
}

async function readAfterGc(target: Target, probe: MemoryProbe, point: string): Promise<HeapReading> {
  const usage = await memoryAfterGc(probe.inspectPort);
  const rssMiB = await residentMiB(target.enginePid);
  const [heapMiB, heapTotalMiB, externalMiB] = [usage.heapUsed, usage.heapTotal, usage.external].map((bytes) => bytes / 2 ** 20);
  if (probe.snapshotDir) await writeHeapSnapshot(probe.inspectPort, path.join(probe.snapshotDir, `engine-${target.enginePid}-${point}.heapsnapshot`));
  return { heapMiB, heapTotalMiB, externalMiB, rssMiB };
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

/** (waiting − idle) V8 heap after full collections, per waiting instance, in KiB; NaN without an inspector. */
export function heapKiBPerInstance(m: MemoryFigures): number {
  return m.afterGc ? ((m.afterGc.waiting.heapMiB - m.afterGc.idle.heapMiB) * 1024) / m.waiting : Number.NaN;
}

/** The figures as report lines: RSS as the burst left it, then heap and RSS after full collections. */
export function describeMemory(m: MemoryFigures): string[] {
  const above = (after: number, idle: number) => `${((after / idle - 1) * 100).toFixed(0)} % above idle`;
  const lines = [
    `memory: ${m.waiting} instances waiting on a job (created in ${m.createSeconds.toFixed(1)} s, completed in ${m.completeSeconds.toFixed(1)} s)`,
    `engine RSS 3 s after each burst: idle ${m.idleMiB.toFixed(0)} → waiting ${m.waitingMiB.toFixed(0)} → after ${m.afterMiB.toFixed(0)} MiB ` +
      `(${m.kibPerInstance.toFixed(2)} KiB per instance; after: ${above(m.afterMiB, m.idleMiB)})`,
  ];
  if (!m.afterGc) return lines;
  const { idle, waiting, after } = m.afterGc;
  const rssPerInstance = ((waiting.rssMiB - idle.rssMiB) * 1024) / m.waiting;
  lines.push(
    `after full GC, heap used: ${idle.heapMiB.toFixed(1)} → ${waiting.heapMiB.toFixed(1)} → ${after.heapMiB.toFixed(1)} MiB ` +
      `(${heapKiBPerInstance(m).toFixed(2)} KiB per instance; after: ${above(after.heapMiB, idle.heapMiB)}); ` +
      `heap committed ${idle.heapTotalMiB.toFixed(0)} → ${waiting.heapTotalMiB.toFixed(0)} → ${after.heapTotalMiB.toFixed(0)} MiB; ` +
      `external ${idle.externalMiB.toFixed(0)} → ${waiting.externalMiB.toFixed(0)} → ${after.externalMiB.toFixed(0)} MiB`,
    `after full GC, engine RSS: ${idle.rssMiB.toFixed(0)} → ${waiting.rssMiB.toFixed(0)} → ${after.rssMiB.toFixed(0)} MiB ` +
      `(${rssPerInstance.toFixed(2)} KiB per instance; after: ${above(after.rssMiB, idle.rssMiB)})`,
  );
  return lines;
}
