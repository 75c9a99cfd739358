import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileBpmn } from '../engine/model';
import type { CamundaUserTask, DecisionTask, ExecutableProcess, FlowElement } from '../engine/model';

/**
 * The engine's BPMN compiler deploys grid-event.bpmn, and the model's job types are the ones
 * processes/README.md documents for the workers.
 */
const compile = async (): Promise<ExecutableProcess> => {
  const processes = await compileBpmn(readFileSync(join(__dirname, 'grid-event.bpmn'), 'utf8'), 'grid-event.bpmn');
  expect(processes.map((process) => process.bpmnProcessId)).toEqual(['grid-event']);
  return processes[0];
};

const jobTypeOf = (element: FlowElement): string | undefined => {
  if (!('job' in element)) return undefined;
  const { type } = element.job;
  return type.kind === 'static' ? type.value : `=${type.source}`;
};

describe('grid-event.bpmn on the engine', () => {
  it('compiles, starting where the intake starts it, with every element processes/README.md documents', async () => {
    const process = await compile();
    expect(process.startEvent).toBe('StartEvent_Reported');
    const readme = readFileSync(join(__dirname, 'README.md'), 'utf8');
    // The element table's first column: "Collect event (`Task_Collect`)", some with two ids.
    const documented = [...readme.matchAll(/^\| [^|`]+\(([^)]+)\) \|/gm)].flatMap((row) => [...row[1].matchAll(/`([\w-]+)`/g)].map((id) => id[1]));
    expect(documented.length).toBeGreaterThan(20);
    expect(documented.filter((id) => !process.elements.has(id))).toEqual([]);
  });

  it('has exactly the job types processes/README.md documents', async () => {
    const process = await compile();
    const jobTypes = new Set([...process.elements.values()].map(jobTypeOf).filter((type) => type !== undefined));
    expect([...jobTypes].sort()).toEqual(
      [
        'assign-event',
        'close-event',
        'collect-event',
        'escalate-event',
        'notify-department',
        'record-feedback',
        'record-return',
        'reopen-event',
        'warn-sla',
      ].sort(),
    );
  });

  it('makes every human step a Camunda user task with its form by id and the task list\'s listeners', async () => {
    const process = await compile();
    const userTasks = [...process.elements.values()].filter((element) => element.type === 'USER_TASK') as CamundaUserTask[];
    expect(userTasks.map((task) => task.id).sort()).toEqual(
      ['Task_Arbitrate', 'Task_HandleInDepartment', 'Task_HandleInGrid', 'Task_HandlePart', 'Task_LeadConcludes', 'Task_Review', 'Task_Verify'].sort(),
    );
    for (const task of userTasks) {
      expect({ id: task.id, zeebeUserTask: task.zeebeUserTask, form: task.form?.kind }).toEqual({ id: task.id, zeebeUserTask: true, form: 'LINKED' });
      expect((task.taskListeners ?? []).map((listener) => [listener.eventType, listener.type])).toEqual(
        ['creating', 'assigning', 'updating', 'completing', 'canceling'].map((eventType) => [eventType, { kind: 'static', value: 'grid-dispatch:task-list' }]),
      );
    }
  });

  it('routes with the route-event decision into the variable route', async () => {
    const route = (await compile()).elements.get('Task_Route') as DecisionTask;
    expect(route.decision).toEqual({ decisionId: { kind: 'static', value: 'route-event' }, resultVariable: 'route' });
  });
});
