/**
 * bench:engine's memory case: the engine's resident set idle, with `count`
 * instances each waiting on a job (a one-task process, no worker running),
 * and again after workers have completed them all.
 */
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
}

export async function runMemoryCase(target: Target, count: number): Promise<MemoryFigures> {
  await target.zeebe.deployResource({ name: 'bench-one-task.bpmn', process: Buffer.from(ONE_TASK_PROCESS) } as never);
  await settle();
  const idleMiB = await residentMiB(target.enginePid);
  const created = performance.now();
  await inParallel(count, IN_FLIGHT, (n) => target.zeebe.createProcessInstance({ bpmnProcessId: 'bench-one-task', variables: { n } }));
  const createSeconds = (performance.now() - created) / 1000;
  await settle();
  const waitingMiB = await residentMiB(target.enginePid);
  const completed = performance.now();
  const workers = await startWorkers(target.grpcPort, 'poll', 1);
  await whenFinished(workers, count);
  const completeSeconds = (performance.now() - completed) / 1000;
  await stopWorkers(workers);
  await settle();
  const afterMiB = await residentMiB(target.enginePid);
  return {
    waiting: count,
    idleMiB,
    waitingMiB,
    afterMiB,
    kibPerInstance: ((waitingMiB - idleMiB) * 1024) / count,
    createSeconds,
    completeSeconds,
  };
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}
