/**
 * grid-event.bpmn and route-event.dmn deployed on the real engine and driven job by job,
 * with this test playing the workers and the people, as processes/README.md describes
 * them: the model's FEEL, scopes and paths work, not just its syntax.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { CamundaClient } from '@camunda8/orchestration-cluster-api';
import { eventually } from '../test-support/engine';
import { restClient } from '../test-support/rest-client';
import { useSdkEngine } from '../e2e/fixtures/sdk-engine';

jest.setTimeout(60_000);

const sdk = useSdkEngine();
const USER_TASK = 'io.camunda.zeebe:userTask';
/** The task list's listener jobs, which this test accepts as the task list would. */
const LISTENERS = 'grid-dispatch:task-list';
const NO_WAIT = { consistency: { waitUpToMs: 0 } };
let rest: CamundaClient;

beforeAll(async () => {
  const read = (name: string) => readFileSync(join(__dirname, name));
  await sdk.zbc.deployResource({ name: 'route-event.dmn', decision: read('route-event.dmn') });
  // The user tasks link their forms by id: the forms are deployed with the process.
  for (const file of readdirSync(join(__dirname, 'forms'))) await sdk.zbc.deployResource({ name: file, form: read(join('forms', file)) });
  await sdk.zbc.deployResource({ name: 'grid-event.bpmn', process: read('grid-event.bpmn') });
  rest = restClient(sdk.te);
});

type ActivatedJob = Awaited<ReturnType<typeof sdk.zbc.activateJobs>>[number];

/** A Camunda user task as a person finds it through REST v2. */
interface PersonTask {
  readonly key: string;
  readonly type: typeof USER_TASK;
  readonly processInstanceKey: string;
  readonly elementId: string;
  readonly userTask: { readonly candidateGroups: string[]; readonly priority: number };
  readonly variables: Record<string, unknown>;
}
type Job = ActivatedJob | PersonTask;
const takenTasks = new Set<string>();
const SLA_TIMES = { slaDueAt: '2026-12-31T17:30:00+08:00', slaWarnAt: '2026-12-30T17:30:00+08:00' };

/** Accepts the listener jobs waiting (creating, assigning, completing …), as the task list does. */
async function acceptListeners(): Promise<void> {
  const jobs = await sdk.zbc.activateJobs({ type: LISTENERS, worker: 'test-task-list', maxJobsToActivate: 20, timeout: 30_000, requestTimeout: 100 });
  for (const job of jobs) await sdk.zbc.completeJob({ jobKey: job.key, variables: {} });
}

async function openTask(processInstanceKey: string, elementId?: string): Promise<PersonTask | undefined> {
  await acceptListeners();
  const found = await rest.searchUserTasks({ filter: { processInstanceKey: processInstanceKey as never, state: 'CREATED', ...(elementId !== undefined && { elementId: elementId as never }) } }, NO_WAIT);
  const task = found.items.find((item) => !takenTasks.has(String(item.userTaskKey)));
  if (!task) return undefined;
  takenTasks.add(String(task.userTaskKey));
  const variables = await rest.searchUserTaskVariables({ userTaskKey: task.userTaskKey, truncateValues: false, page: { limit: 100 } }, NO_WAIT);
  return {
    key: String(task.userTaskKey),
    type: USER_TASK,
    processInstanceKey,
    elementId: String(task.elementId),
    userTask: { candidateGroups: task.candidateGroups ?? [], priority: task.priority ?? 50 },
    variables: Object.fromEntries(variables.items.map((item) => [item.name, JSON.parse(item.value) as unknown])),
  };
}

/** Jobs activated but not yet asked for: parallel parts activate together. */
const activated: Job[] = [];

/** The next job of this type for the instance (a user task: at this element). */
async function next(processInstanceKey: string, type: typeof USER_TASK, elementId?: string): Promise<PersonTask>;
async function next(processInstanceKey: string, type: string, elementId?: string): Promise<ActivatedJob>;
async function next(processInstanceKey: string, type: string, elementId?: string): Promise<Job> {
  if (type === USER_TASK) return eventually(() => openTask(processInstanceKey, elementId), { what: `user task${elementId ? ` at ${elementId}` : ''} of instance ${processInstanceKey}` });
  const take = () => {
    const index = activated.findIndex(
      (job) => job.type === type && job.processInstanceKey === processInstanceKey && (elementId === undefined || job.elementId === elementId),
    );
    return index === -1 ? undefined : activated.splice(index, 1)[0];
  };
  return eventually(
    async () => {
      const ready = take();
      if (ready) return ready;
      activated.push(...(await sdk.zbc.activateJobs({ type, worker: 'test', maxJobsToActivate: 20, timeout: 30_000, requestTimeout: 500 })));
      return take();
    },
    { what: `job ${type}${elementId ? ` at ${elementId}` : ''} of instance ${processInstanceKey}` },
  );
}

type Variables = Parameters<typeof sdk.zbc.completeJob>[0]['variables'];
async function complete(job: Job, variables: Variables = {}): Promise<void> {
  if (job.type !== USER_TASK) {
    // assign-event writes the SLA's due and warning times, the handling tasks' due and follow-up dates.
    const written = job.type === 'assign-event' ? { ...SLA_TIMES, ...variables } : variables;
    await sdk.zbc.completeJob({ jobKey: job.key, variables: written });
    return;
  }
  // The completion is answered once its completing listener's job is accepted.
  let done = false;
  const completion = rest.completeUserTask({ userTaskKey: job.key as never, variables }).finally(() => (done = true));
  while (!done) await acceptListeners();
  await completion;
}
/** What assign-event answers: the priority and the handling period's SLA times (a day away unless given). */
const assigned = (priority: number, warnInMs = 0.8 * 86_400_000, dueInMs = 86_400_000): Variables => ({
  priority,
  slaWarnAt: new Date(Date.now() + warnInMs).toISOString(),
  slaDueAt: new Date(Date.now() + dueInMs).toISOString(),
});
const departmentOf = (job: ActivatedJob) => (job.variables as { department?: string }).department;

async function start(category: string, severity: string, source: string, eventId: string, slaSecondsPerHour = 3600): Promise<string> {
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({
    bpmnProcessId: 'grid-event',
    variables: { eventId, category, severity, source },
  });
  await complete(await next(processInstanceKey, 'collect-event'), {
    collectOutcome: 'ACCEPTED',
    gridCode: 'D01S01C01G01',
    feedbackTimeout: 'PT1S',
    slaSecondsPerHour,
  });
  return processInstanceKey;
}

async function closeWithFeedback(pik: string, eventId: string, satisfied: boolean | undefined): Promise<Job> {
  await complete(await next(pik, USER_TASK, 'Task_Verify'), { verified: true });
  await complete(await next(pik, 'close-event'));
  if (satisfied !== undefined) {
    await sdk.zbc.publishMessage({ name: 'citizen-feedback', correlationKey: eventId, variables: { feedback: { satisfied, score: satisfied ? 5 : 1 } }, timeToLive: 10_000 });
  }
  return next(pik, 'record-feedback');
}

const completed = (pik: string) => eventually(async () => ((await sdk.processCompleted(pik)) ? true : undefined), { what: `instance ${pik} to complete` });

test('merged at collect: the instance ends', async () => {
  const { processInstanceKey } = await sdk.zbc.createProcessInstance({
    bpmnProcessId: 'grid-event',
    variables: { eventId: 'e-merged', category: 'garbage', severity: 'low', source: 'citizen_app' },
  });
  await complete(await next(processInstanceKey, 'collect-event'), { collectOutcome: 'MERGED' });
  await completed(processInstanceKey);
});

test('department level: notified, handled by its clerks, verified, closed, satisfied', async () => {
  const pik = await start('illegal_parking', 'medium', 'citizen_app', 'e-department');
  const assign = await next(pik, 'assign-event');
  expect(assign.variables).toMatchObject({
    route: { level: 'DEPARTMENT', departments: ['urban_management'], slaHours: 21, slaClock: 'working', priority: 50 },
    assignment: { level: 'DEPARTMENT', departments: ['urban_management'] },
  });
  await complete(assign, assigned(50));
  const notify = await next(pik, 'notify-department');
  expect(notify.variables).toMatchObject({ department: 'urban_management' });
  await complete(notify);
  const task = await next(pik, USER_TASK, 'Task_HandleInDepartment');
  expect(task.userTask).toMatchObject({ candidateGroups: ['urban_management'], priority: 50 });
  await complete(task, { outcome: 'RESOLVED' });
  const record = await closeWithFeedback(pik, 'e-department', true);
  expect(record.variables).toMatchObject({ feedbackOutcome: 'SATISFIED' });
  await complete(record);
  await completed(pik);
});

test('returned by the only department: nobody is left, a manager arbitrates, the grid handles it, no feedback in time', async () => {
  const pik = await start('street_light', 'low', 'citizen_app', 'e-returned');
  await complete(await next(pik, 'assign-event'), assigned(30));
  await complete(await next(pik, 'notify-department'));
  await complete(await next(pik, USER_TASK, 'Task_HandleInDepartment'), { outcome: 'RETURNED', returnReason: 'not a street light' });
  const ret = await next(pik, 'record-return');
  await complete(ret, { returnCount: 1, returnedDepartments: ['street_lighting'] });
  const arbitrate = await next(pik, USER_TASK, 'Task_Arbitrate');
  expect(arbitrate.userTask).toMatchObject({ candidateGroups: ['city-managers'] });
  expect(arbitrate.variables).toMatchObject({ assignment: { level: 'DEPARTMENT', departments: [] } });
  await complete(arbitrate, { assignment: { level: 'GRID', departments: [] } });
  await complete(await next(pik, 'assign-event'), assigned(30));
  const grid = await next(pik, USER_TASK, 'Task_HandleInGrid');
  expect(grid.userTask).toMatchObject({ candidateGroups: ['grid-D01S01C01G01'] });
  await complete(grid, { outcome: 'RESOLVED' });
  const record = await closeWithFeedback(pik, 'e-returned', undefined);
  expect(record.elementId).toBe('Task_RecordNoResponse');
  expect(record.variables).toMatchObject({ feedbackOutcome: 'NO_RESPONSE' });
  await complete(record);
  await completed(pik);
});

test('joint level: one part per department, a refusal re-routes without it; unsatisfied feedback reopens once, then a manager reviews', async () => {
  const pik = await start('pipe_leak', 'critical', 'hotline_12345', 'e-joint');
  await complete(await next(pik, 'assign-event'), assigned(80));
  const notified = [await next(pik, 'notify-department'), await next(pik, 'notify-department')];
  expect(notified.map(departmentOf).sort()).toEqual(['drainage', 'water_supply']);
  const drainage = notified.find((job) => departmentOf(job) === 'drainage')!;
  const water = notified.find((job) => departmentOf(job) === 'water_supply')!;
  await sdk.zbc.throwError({ jobKey: drainage.key, errorCode: 'NOT_OURS', errorMessage: 'not a drain' });
  await complete(water);
  const part = await next(pik, USER_TASK, 'Task_HandlePart');
  expect(part.userTask).toMatchObject({ candidateGroups: ['water_supply'], priority: 80 });
  await complete(part, { outcome: 'RESOLVED' });

  const ret = await next(pik, 'record-return');
  expect(ret.variables).toMatchObject({ outcome: 'RETURNED', jointResults: [{ department: 'water_supply', outcome: 'RESOLVED' }, { department: 'drainage', outcome: 'RETURNED' }] });
  await complete(ret, { returnCount: 1, returnedDepartments: ['drainage'] });

  const assign = await next(pik, 'assign-event');
  expect(assign.variables).toMatchObject({ assignment: { level: 'JOINT', departments: ['water_supply'] } });
  await complete(assign, assigned(80));
  await complete(await next(pik, 'notify-department'));
  await complete(await next(pik, USER_TASK, 'Task_HandlePart'), { outcome: 'RESOLVED' });
  const lead = await next(pik, USER_TASK, 'Task_LeadConcludes');
  expect(lead.userTask).toMatchObject({ candidateGroups: ['water_supply'] });
  await complete(lead, { outcome: 'RESOLVED' });

  const first = await closeWithFeedback(pik, 'e-joint', false);
  expect(first.variables).toMatchObject({ feedbackOutcome: 'UNSATISFIED' });
  await complete(first);
  await complete(await next(pik, 'reopen-event'), { reopenCount: 1, priority: 100 });
  await complete(await next(pik, 'assign-event'), assigned(100));
  await complete(await next(pik, 'notify-department'));
  await complete(await next(pik, USER_TASK, 'Task_HandlePart'), { outcome: 'RESOLVED' });
  await complete(await next(pik, USER_TASK, 'Task_LeadConcludes'), { outcome: 'RESOLVED' });
  await complete(await closeWithFeedback(pik, 'e-joint', false));
  await complete(await next(pik, USER_TASK, 'Task_Review'), { reviewNote: 'called the reporter' });
  await completed(pik);
});

test('SLA: a warning at 80 %, then escalation, while the handlers keep working', async () => {
  // The timers fire at the times assign-event answered: the warning after 1 s, the escalation after 2 s
  const pik = await start('neighbour_dispute', 'low', 'grid_worker', 'e-sla');
  await complete(await next(pik, 'assign-event'), assigned(50, 1_000, 2_000));
  await complete(await next(pik, 'warn-sla'));
  await complete(await next(pik, 'escalate-event'), { priority: 70, escalated: true });
  const grid = await next(pik, USER_TASK, 'Task_HandleInGrid');
  await complete(grid, { outcome: 'RESOLVED' });
  const record = await closeWithFeedback(pik, 'e-sla', true);
  await complete(record);
  await completed(pik);
});

test('returned twice: a manager arbitrates; a fix that does not hold on site goes back to the handlers', async () => {
  const pik = await start('neighbour_dispute', 'high', 'citizen_app', 'e-twice');
  await complete(await next(pik, 'assign-event'), assigned(75));
  for (let part = 0; part < 2; part++) await complete(await next(pik, 'notify-department'));
  for (let part = 0; part < 2; part++) await complete(await next(pik, USER_TASK, 'Task_HandlePart'), { outcome: 'RESOLVED' });
  const lead = await next(pik, USER_TASK, 'Task_LeadConcludes');
  expect(lead.userTask).toMatchObject({ candidateGroups: ['justice'] });
  await complete(lead, { outcome: 'RETURNED', returnReason: 'no dispute left to mediate' });
  await complete(await next(pik, 'record-return'), { returnCount: 1, returnedDepartments: ['justice'] });

  const again = await next(pik, 'assign-event');
  expect(again.variables).toMatchObject({ assignment: { level: 'JOINT', departments: ['command_center'] } });
  await complete(again, assigned(75));
  await complete(await next(pik, 'notify-department'));
  await complete(await next(pik, USER_TASK, 'Task_HandlePart'), { outcome: 'RESOLVED' });
  await complete(await next(pik, USER_TASK, 'Task_LeadConcludes'), { outcome: 'RETURNED' });
  await complete(await next(pik, 'record-return'), { returnCount: 2, returnedDepartments: ['justice', 'command_center'] });

  await complete(await next(pik, USER_TASK, 'Task_Arbitrate'), { assignment: { level: 'DEPARTMENT', departments: ['justice'] } });
  await complete(await next(pik, 'assign-event'), assigned(75));
  await complete(await next(pik, 'notify-department'));
  await complete(await next(pik, USER_TASK, 'Task_HandleInDepartment'), { outcome: 'RESOLVED' });
  await complete(await next(pik, USER_TASK, 'Task_Verify'), { verified: false, verificationNote: 'still arguing' });
  // Back to handling through Record assignment: a new handling period, a new SLA due time.
  await complete(await next(pik, 'assign-event'), assigned(75));
  await complete(await next(pik, 'notify-department'));
  await complete(await next(pik, USER_TASK, 'Task_HandleInDepartment'), { outcome: 'RESOLVED' });
  await complete(await closeWithFeedback(pik, 'e-twice', true));
  await completed(pik);
});
