/**
 * Reports run through the whole grid-event process with the real workers:
 * placed in their grid, routed to their department, handled at every level,
 * closed, and judged by the reporter; duplicates merged, reopening.
 */
import { GridEvent, GridEventTransition } from '../orm/entities';
import { eventually } from '../test-support/engine';
import { useGridHarness, USER_TASK, FEEDBACK_TTL_MS } from './grid-harness';

jest.setTimeout(90_000);

const grid = useGridHarness();
const GRID_CODE = 'D01S01C01G01';
const REPORTER = 'citizen-000001';

async function report(category: string, severity: string, source: string, where?: { lon: number; lat: number }) {
  const point = where ?? (await grid.pointIn(GRID_CODE));
  const reported = await grid.intake.reportEvent({ category, severity, source, description: `${category} reported in a test`, reporterCode: REPORTER, ...point });
  if (reported.processInstanceKey === undefined) throw new Error('the process did not start');
  return { eventId: reported.eventId, pik: reported.processInstanceKey };
}

async function verifyCloseAndJudge(pik: string, eventId: number, satisfied: boolean) {
  const verify = await grid.next(pik, USER_TASK, 'Task_Verify');
  expect(verify.userTask).toMatchObject({ candidateGroups: [`grid-${GRID_CODE}`], formId: 'grid-dispatch-verify' });
  await grid.complete(verify, { verified: true });
  await expectStatus(eventId, 'CLOSED');
  await grid.zbc.publishMessage({ name: 'citizen-feedback', correlationKey: String(eventId), variables: { feedback: { satisfied, score: satisfied ? 5 : 2, comment: 'thanks' } }, timeToLive: FEEDBACK_TTL_MS });
}

async function expectStatus(eventId: number, status: string) {
  await eventually(async () => ((await grid.event(eventId)).status === status ? true : undefined), { what: `event ${eventId} to be ${status}`, timeoutMs: 20_000 });
}

async function feedbackRows(eventId: number) {
  const { rows } = await grid.te.pool.query<{ satisfied: boolean; score: number; comment: string | null; by_reporter: boolean }>(`select satisfied, score, comment, citizen_id is not null as by_reporter from public.feedback where event_id = $1 order by id`, [eventId]);
  return rows;
}

test('department level: the report lands in its grid and department, is handled, closed, and the reporter is satisfied', async () => {
  const urban = await grid.department('urban_management');
  const { eventId, pik } = await report('illegal_parking', 'medium', 'citizen_app');

  const task = await grid.next(pik, USER_TASK, 'Task_HandleInDepartment');
  expect(task.userTask).toMatchObject({ candidateGroups: ['urban_management'], priority: 50, formId: 'grid-dispatch-handle' });
  // Due at the SLA, followed up from its warning (assign-event's slaDueAt and slaWarnAt).
  expect(Date.parse(task.userTask.dueDate!)).toBe(Date.parse(String(task.variables.slaDueAt)));
  expect(Date.parse(task.userTask.followUpDate!)).toBe(Date.parse(String(task.variables.slaWarnAt)));
  const event = await grid.event(eventId);
  expect(event.grid?.code).toBe(GRID_CODE);
  expect(event.status).toBe('ROUTED');
  // Three working days (21 working hours): at least two and a half calendar days away, whenever it starts.
  expect(event.slaDueAt!.getTime() - Date.now()).toBeGreaterThan(57 * 3600_000);
  expect(urban.keys).toHaveLength(1);
  expect(urban.keys[0]).toMatch(new RegExp(`^grid-event-${eventId}-notify-department-\\d+$`));
  expect(urban.bodies[0]).toMatchObject({ eventId: String(eventId), category: 'illegal_parking', gridCode: GRID_CODE });

  await grid.complete(task, { outcome: 'RESOLVED' });
  await verifyCloseAndJudge(pik, eventId, true);
  await grid.completed(pik);

  expect(await grid.statuses(eventId)).toEqual(['REPORTED', 'ACCEPTED', 'ROUTED', 'RESOLVED', 'CLOSED']);
  expect(await feedbackRows(eventId)).toEqual([{ satisfied: true, score: 5, comment: 'thanks', by_reporter: true }]);
  expect(await grid.notifications(eventId)).toContainEqual(expect.objectContaining({ kind: 'event-closed', eventId, to: REPORTER }));
});

test('grid level: the grid worker handles it in the grid', async () => {
  const { eventId, pik } = await report('neighbour_dispute', 'low', 'grid_worker');
  const task = await grid.next(pik, USER_TASK, 'Task_HandleInGrid');
  expect(task.userTask).toMatchObject({ candidateGroups: [`grid-${GRID_CODE}`], formId: 'grid-dispatch-handle' });
  await grid.complete(task, { outcome: 'RESOLVED' });
  await verifyCloseAndJudge(pik, eventId, true);
  await grid.completed(pik);
  expect(await grid.statuses(eventId)).toEqual(['REPORTED', 'ACCEPTED', 'ROUTED', 'RESOLVED', 'CLOSED']);
  expect(await feedbackRows(eventId)).toHaveLength(1);
});

test('joint level: every department notified and handles its part, the lead concludes', async () => {
  const water = await grid.department('water_supply');
  const drainage = await grid.department('drainage');
  const { eventId, pik } = await report('pipe_leak', 'critical', 'hotline_12345');

  const parts = [await grid.next(pik, USER_TASK, 'Task_HandlePart'), await grid.next(pik, USER_TASK, 'Task_HandlePart')];
  expect(parts.map((part) => part.userTask.candidateGroups[0]).sort()).toEqual(['drainage', 'water_supply']);
  expect(water.acted.size).toBe(1);
  expect(drainage.acted.size).toBe(1);
  // Each part is its own notification, with a key of its own.
  expect(water.keys[0]).not.toBe(drainage.keys[0]);
  for (const part of parts) await grid.complete(part, { outcome: 'RESOLVED' });
  const lead = await grid.next(pik, USER_TASK, 'Task_LeadConcludes');
  expect(lead.userTask).toMatchObject({ candidateGroups: ['water_supply'], formId: 'grid-dispatch-conclude' });
  await grid.complete(lead, { outcome: 'RESOLVED' });
  await verifyCloseAndJudge(pik, eventId, true);
  await grid.completed(pik);
  expect(await grid.statuses(eventId)).toEqual(['REPORTED', 'ACCEPTED', 'ROUTED', 'RESOLVED', 'CLOSED']);
});

test('unsatisfied feedback reopens the event with a raised priority; the department is told again', async () => {
  const urban = await grid.department('urban_management');
  const where = await grid.pointIn('D01S01C01G02');
  const { eventId, pik } = await report('illegal_vending', 'medium', 'citizen_app', where);
  await grid.complete(await grid.next(pik, USER_TASK, 'Task_HandleInDepartment'), { outcome: 'RESOLVED' });
  const verify = await grid.next(pik, USER_TASK, 'Task_Verify');
  await grid.complete(verify, { verified: true });
  await expectStatus(eventId, 'CLOSED');
  await grid.zbc.publishMessage({ name: 'citizen-feedback', correlationKey: String(eventId), variables: { feedback: { satisfied: false, score: 1 } }, timeToLive: FEEDBACK_TTL_MS });

  const again = await grid.next(pik, USER_TASK, 'Task_HandleInDepartment');
  expect(again.userTask).toMatchObject({ priority: 70 });
  expect(new Set(urban.keys).size).toBe(2);
  await grid.complete(again, { outcome: 'RESOLVED' });
  await grid.complete(await grid.next(pik, USER_TASK, 'Task_Verify'), { verified: true });
  await expectStatus(eventId, 'CLOSED');
  await grid.zbc.publishMessage({ name: 'citizen-feedback', correlationKey: String(eventId), variables: { feedback: { satisfied: true, score: 4 } }, timeToLive: FEEDBACK_TTL_MS });
  await grid.completed(pik);

  expect(await grid.statuses(eventId)).toEqual(['REPORTED', 'ACCEPTED', 'ROUTED', 'RESOLVED', 'CLOSED', 'REOPENED', 'ROUTED', 'RESOLVED', 'CLOSED']);
  expect((await feedbackRows(eventId)).map((row) => row.satisfied)).toEqual([false, true]);
});

test('a duplicate report close by is merged into the open event; the instance ends', async () => {
  const { lon, lat } = await grid.pointIn('D01S01C01G03');
  const first = await report('garbage', 'low', 'citizen_app', { lon, lat });
  await grid.next(first.pik, USER_TASK);
  // About 11 m north.
  const second = await report('garbage', 'medium', 'hotline_12345', { lon, lat: lat + 0.0001 });
  await grid.completed(second.pik);
  const merged = await grid.event(second.eventId);
  expect(merged.status).toBe('MERGED');
  expect(merged.duplicateOf?.id).toBe(first.eventId);
  expect(await grid.statuses(second.eventId)).toEqual(['REPORTED', 'MERGED']);
  expect((await grid.notes(first.eventId)).some((note) => note.includes(`report ${second.eventId} merged`))).toBe(true);

  // Another category at the same spot is an event of its own.
  const other = await report('street_cleaning', 'low', 'citizen_app', { lon, lat });
  await grid.next(other.pik, USER_TASK);
  expect((await grid.event(other.eventId)).status).toBe('ROUTED');
});

test('a report outside every grid (not through the intake, which refuses it) is rejected at collect', async () => {
  const em = grid.orm.em.fork();
  const event = em.create(GridEvent, { source: 'video_alarm', category: 'illegal_parking', description: 'camera far away', severity: 'low', lon: 0.5, lat: 0.5, status: 'REPORTED' });
  em.create(GridEventTransition, { event, toStatus: 'REPORTED' });
  await em.flush();
  const { processInstanceKey } = await grid.zbc.createProcessInstance({
    bpmnProcessId: 'grid-event',
    variables: { eventId: String(event.id), category: 'illegal_parking', severity: 'low', source: 'video_alarm' },
  });
  await grid.completed(processInstanceKey);
  expect(await grid.statuses(event.id)).toEqual(['REPORTED', 'REJECTED']);
});

test('an instance naming no event raises an incident that says so, instead of guessing', async () => {
  const { processInstanceKey } = await grid.zbc.createProcessInstance({
    bpmnProcessId: 'grid-event',
    variables: { eventId: '987654321', category: 'garbage', severity: 'low', source: 'citizen_app' },
  });
  const [incident] = await eventually(async () => {
    const incidents = await grid.te.incidents(processInstanceKey);
    return incidents.length > 0 ? incidents : undefined;
  }, { what: 'an incident' });
  expect(incident).toMatchObject({ errorType: 'JOB_NO_RETRIES', errorMessage: 'no grid event 987654321' });
  await grid.zbc.cancelProcessInstance(processInstanceKey);
});
