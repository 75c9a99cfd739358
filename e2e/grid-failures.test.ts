/**
 * What goes wrong on the way, with the real workers: a department that says
 * "not ours" (a return, re-routed), an SLA that runs out (escalation), a
 * department system that fails and recovers (acted on once), and one that
 * stays down (an incident, retried by hand).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { eventually } from '../test-support/engine';
import { answer, useGridHarness, USER_TASK, FEEDBACK_TTL_MS } from './grid-harness';

jest.setTimeout(90_000);

const grid = useGridHarness();
const GRID_CODE = 'D02S01C01G01';

async function report(category: string, severity: string, source: string, gridCode = GRID_CODE) {
  const point = await grid.pointIn(gridCode);
  const reported = await grid.intake.reportEvent({ category, severity, source, description: `${category} reported in a test`, reporterCode: 'citizen-000002', ...point });
  if (reported.processInstanceKey === undefined) throw new Error('the process did not start');
  return { eventId: reported.eventId, pik: reported.processInstanceKey };
}

async function closeSatisfied(pik: string, eventId: number) {
  await grid.complete(await grid.next(pik, USER_TASK, 'Task_Verify'), { verified: true });
  await eventually(async () => ((await grid.event(eventId)).status === 'CLOSED' ? true : undefined), { what: `event ${eventId} closed` });
  await grid.zbc.publishMessage({ name: 'citizen-feedback', correlationKey: String(eventId), variables: { feedback: { satisfied: true, score: 5 } }, timeToLive: FEEDBACK_TTL_MS });
  await grid.completed(pik);
}

test('a department that says "not ours" returns its part; the event is re-routed without it and closed', async () => {
  const water = await grid.department('water_supply');
  const drainage = await grid.department('drainage', answer(422, { code: 'NOT_OURS', reason: 'a water main, not a drain' }));
  const { eventId, pik } = await report('pipe_leak', 'critical', 'hotline_12345');

  await grid.complete(await grid.next(pik, USER_TASK, 'Task_HandlePart'), { outcome: 'RESOLVED' });
  // Re-routed: only the water supply is left, and it is told again for the new round.
  const part = await grid.next(pik, USER_TASK, 'Task_HandlePart');
  expect(part.userTask).toMatchObject({ candidateGroups: ['water_supply'], formId: 'grid-dispatch-handle-part' });
  expect(part.variables).toMatchObject({ returnCount: 1, returnedDepartments: ['drainage'], assignment: { level: 'JOINT', departments: ['water_supply'] } });
  expect(drainage.keys).toHaveLength(1);
  expect(drainage.acted.size).toBe(0);
  expect(water.acted.size).toBe(2);
  await grid.complete(part, { outcome: 'RESOLVED' });
  await grid.complete(await grid.next(pik, USER_TASK, 'Task_LeadConcludes'), { outcome: 'RESOLVED' });
  await closeSatisfied(pik, eventId);

  // The task list records the lead's conclusion, whoever completes it.
  expect(await grid.statuses(eventId)).toEqual(['REPORTED', 'ACCEPTED', 'ROUTED', 'ACCEPTED', 'ROUTED', 'RESOLVED', 'CLOSED']);
  expect((await grid.notes(eventId)).some((note) => note.startsWith('returned by drainage'))).toBe(true);
});

test('a clerk returns the event; nobody is left, a manager arbitrates and the grid handles it', async () => {
  await grid.department('street_lighting');
  const { eventId, pik } = await report('street_light', 'low', 'citizen_app', 'D02S01C01G02');
  await grid.complete(await grid.next(pik, USER_TASK, 'Task_HandleInDepartment'), { outcome: 'RETURNED', returnReason: 'the lamp belongs to a private estate' });
  const arbitrate = await grid.next(pik, USER_TASK, 'Task_Arbitrate');
  expect(arbitrate.variables).toMatchObject({ returnCount: 1, returnedDepartments: ['street_lighting'] });
  await grid.complete(arbitrate, { assignment: { level: 'GRID', departments: [] } });
  await grid.complete(await grid.next(pik, USER_TASK, 'Task_HandleInGrid'), { outcome: 'RESOLVED' });
  await closeSatisfied(pik, eventId);
  expect((await grid.notes(eventId)).some((note) => note.includes('returned by street_lighting: the lamp belongs to a private estate'))).toBe(true);
});

test('an SLA that runs out warns at 80 %, then escalates: breach recorded, managers told, priority raised', async () => {
  // Three working days at 1/36 s an hour: the real days they span (nights and weekends too) pass in seconds.
  grid.config.slaSecondsPerHour = 1 / 36;
  let reported: { eventId: number; pik: string };
  try {
    reported = await report('neighbour_dispute', 'low', 'grid_worker', 'D02S01C01G03');
    // collect-event reads the setting when it runs, which is after the report's answer.
    const { eventId: collected } = reported;
    await eventually(async () => ((await grid.event(collected)).status !== 'REPORTED' ? true : undefined), { what: 'the collect step' });
  } finally {
    grid.config.slaSecondsPerHour = 3600;
  }
  const { eventId, pik } = reported;
  const task = await grid.next(pik, USER_TASK, 'Task_HandleInGrid');
  await eventually(async () => ((await grid.event(eventId)).escalated ? true : undefined), { what: 'the escalation' });

  const notes = await grid.notes(eventId);
  expect(notes.some((note) => note.startsWith('SLA warning: 80 % of 21 working h used'))).toBe(true);
  expect(notes.some((note) => note.startsWith('SLA breached') && note.includes('priority 50 → 70'))).toBe(true);
  const { rows } = await grid.te.pool.query(`select escalated from public.grid_event_transition where event_id = $1 and note like 'SLA breached%'`, [eventId]);
  expect(rows).toEqual([{ escalated: true }]);
  const told = await grid.notifications(eventId);
  expect(told).toContainEqual(expect.objectContaining({ kind: 'escalation', eventId, to: 'manager-city-1', urgent: true }));
  // The warning goes to whoever holds the handling task: the grid's worker.
  expect(told).toContainEqual(expect.objectContaining({ kind: 'sla-warning', eventId, to: 'gw-D02S01C01G03', urgent: true }));

  // The open task's priority is raised through the user-task update, and the task list's row follows.
  await eventually(async () => ((await grid.rest.getUserTask({ userTaskKey: task.key as never }, { consistency: { waitUpToMs: 0 } })).priority === 70 ? true : undefined), { what: 'the raised priority of the open task' });
  await eventually(async () => {
    const { rows: tasks } = await grid.te.pool.query<{ priority: number }>(`select priority from public.task where user_task_key = $1`, [task.key]);
    return tasks[0]?.priority === 70 ? true : undefined;
  }, { what: 'the task row to follow' });

  // The handler keeps working; the raised priority reaches the next task.
  await grid.complete(task, { outcome: 'RESOLVED' });
  const verify = await grid.next(pik, USER_TASK, 'Task_Verify');
  expect(verify.userTask).toMatchObject({ priority: 70 });
  await grid.complete(verify, { verified: true });
  await eventually(async () => ((await grid.event(eventId)).status === 'CLOSED' ? true : undefined), { what: 'closed' });
});

test('a department system that fails, then recovers, is called again with the same key and acts once', async () => {
  let calls = 0;
  const sanitation = await grid.department('sanitation', (request: IncomingMessage, response: ServerResponse) => {
    calls++;
    answer(calls <= 2 ? 503 : 201, calls <= 2 ? { error: 'maintenance' } : { ticket: 'S-1' })(request, response);
  });
  const { eventId, pik } = await report('construction_waste', 'medium', 'citizen_app', 'D02S01C01G04');
  const task = await grid.next(pik, USER_TASK, 'Task_HandleInDepartment');
  expect(sanitation.keys).toHaveLength(3);
  expect(new Set(sanitation.keys)).toEqual(new Set([sanitation.keys[0]]));
  expect(sanitation.keys[0]).toMatch(new RegExp(`^grid-event-${eventId}-notify-department-\\d+$`));
  expect(sanitation.acted.size).toBe(1);
  expect(await grid.te.incidents(pik)).toEqual([]);
  await grid.complete(task, { outcome: 'RESOLVED' });
  await closeSatisfied(pik, eventId);
});

test('a department system that stays down raises an incident; fixed and retried, the event goes on', async () => {
  const roads = await grid.department('roads', answer(500, { error: 'database down' }));
  const { eventId, pik } = await report('road_damage', 'medium', 'citizen_app', 'D02S01C01G05');
  // Five retries with 100, 200, 400, 800 ms back-off in between.
  const [incident] = await eventually(async () => {
    const incidents = await grid.te.incidents(pik);
    return incidents.length > 0 ? incidents : undefined;
  }, { what: 'an incident', timeoutMs: 20_000 });
  expect(incident).toMatchObject({ errorType: 'JOB_NO_RETRIES' });
  expect(incident.errorMessage).toContain('department roads unavailable');
  expect(roads.keys).toHaveLength(5);
  expect(new Set(roads.keys).size).toBe(1);

  roads.behaviour = answer(201, { ticket: 'R-1' });
  await grid.zbc.updateJobRetries({ jobKey: incident.jobKey!, retries: 1 });
  await grid.zbc.resolveIncident({ incidentKey: incident.key });
  const task = await grid.next(pik, USER_TASK, 'Task_HandleInDepartment');
  expect(roads.acted.size).toBe(1);
  expect(await grid.te.incidents(pik)).toEqual([]);
  await grid.complete(task, { outcome: 'RESOLVED' });
  await closeSatisfied(pik, eventId);
});
