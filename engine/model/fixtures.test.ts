import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compileBpmn } from './index';
import type { BoundaryEvent, EndEvent, ExecutableProcess, JobTask, ScriptTask, SubProcess } from './types';

const FIXTURES = join(__dirname, 'fixtures');
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const compileFixture = async (name: string): Promise<ExecutableProcess> => (await compileBpmn(read(name), name))[0];
const jobType = (process: ExecutableProcess, id: string) => (process.elements.get(id) as JobTask).job.type;

describe('fixtures', () => {
  it('bench-five-tasks: five service tasks in a row, job types task-1..task-5', async () => {
    const process = await compileFixture('bench-five-tasks.bpmn');
    expect(process.bpmnProcessId).toBe('bench-five-tasks');
    const chain: string[] = [];
    for (let id: string | undefined = process.startEvent; id; ) {
      chain.push(id);
      const next: string | undefined = process.elements.get(id)!.outgoing[0];
      id = next === undefined ? undefined : process.flows.get(next)!.targetId;
    }
    expect(chain).toEqual(['StartEvent_1', 'Task_1', 'Task_2', 'Task_3', 'Task_4', 'Task_5', 'EndEvent_1']);
    expect([1, 2, 3, 4, 5].map((n) => jobType(process, `Task_${n}`))).toEqual(
      [1, 2, 3, 4, 5].map((n) => ({ kind: 'static', value: `task-${n}` })),
    );
  });

  it('order-process: exclusive gateway, parallel fork/join in a subprocess, error end and boundary events', async () => {
    const process = await compileFixture('order-process.bpmn');
    expect(process.bpmnProcessId).toBe('order-process');
    expect(process.elements.get('Gateway_Valid')).toMatchObject({ type: 'EXCLUSIVE_GATEWAY', defaultFlow: 'Flow_Valid' });
    expect(process.flows.get('Flow_Invalid')!.condition).toEqual({ kind: 'feel', source: 'orderValid = false' });
    const fulfil = process.elements.get('SubProcess_Fulfil') as SubProcess;
    expect(fulfil).toMatchObject({ startEvent: 'StartEvent_Fulfil', boundaryEvents: ['Boundary_FulfilFailed'] });
    expect(fulfil.children).toContain('Gateway_Join');
    expect(process.elements.get('Gateway_Fork')).toMatchObject({ type: 'PARALLEL_GATEWAY', scopeId: 'SubProcess_Fulfil', outgoing: ['Flow_ToPayment', 'Flow_ToPack'] });
    expect(process.elements.get('Gateway_Join')).toMatchObject({ type: 'PARALLEL_GATEWAY', incoming: ['Flow_PaymentToJoin', 'Flow_PackToJoin'] });
    expect((process.elements.get('Task_Payment') as JobTask).job.headers).toEqual({ method: 'card', currency: 'CNY' });
    expect((process.elements.get('Boundary_PaymentDeclined') as BoundaryEvent).errorCode).toBe('PAYMENT_DECLINED');
    expect((process.elements.get('Boundary_FulfilFailed') as BoundaryEvent).errorCode).toBeUndefined();
    expect((process.elements.get('EndEvent_PaymentFailed') as EndEvent).errorCode).toEqual({ kind: 'static', value: 'ORDER_FAILED' });
    expect(['validate-order', 'charge-payment', 'pack-items', 'notify-failure', 'confirm-order']).toEqual(
      ['Task_Validate', 'Task_Payment', 'Task_Pack', 'Task_NotifyFailure', 'Task_Confirm'].map((id) => (jobType(process, id) as { value: string }).value),
    );
  });

  it('score-and-notify: script task, terminate end, FEEL job type and a catch-all boundary event', async () => {
    const process = await compileFixture('score-and-notify.bpmn');
    expect((process.elements.get('Task_Score') as ScriptTask).script).toEqual({ expression: { kind: 'feel', source: 'severity * 2' }, resultVariable: 'score' });
    expect((process.elements.get('EndEvent_Stop') as EndEvent).eventType).toBe('TERMINATE');
    expect(process.elements.get('Task_Classify')).toMatchObject({ type: 'BUSINESS_RULE_TASK', job: { type: { kind: 'feel', source: '"classify-" + kind' }, retries: { kind: 'static', value: '2' } } });
    expect(process.elements.get('Task_Notify')).toMatchObject({ type: 'SEND_TASK', boundaryEvents: ['Boundary_NotifyFailed'] });
  });

  it.each(readdirSync(FIXTURES).filter((name) => name.endsWith('.bpmn')))('%s has a diagram shape for every element and an edge for every flow', async (name) => {
    const xml = read(name);
    const process = await compileFixture(name);
    for (const id of [...process.elements.keys(), ...process.flows.keys()]) {
      expect(xml).toContain(`bpmnElement="${id}"`);
    }
  });

  it('compiles the bench model again under each new process id', async () => {
    const xml = read('bench-five-tasks.bpmn');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const compiled = await compileBpmn(xml.replaceAll('bench-five-tasks', `bench-${i}`), `bench-${i}.bpmn`);
      ids.push(...compiled.map((process) => process.bpmnProcessId));
    }
    expect(ids).toEqual(['bench-0', 'bench-1', 'bench-2', 'bench-3', 'bench-4']);
  });
});
