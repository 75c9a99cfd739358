/**
 * Working-day SLAs with the real workers and engine, on a clock the test sets
 * (the engine's and the workers' own, running at the wall clock's pace from
 * where the test puts it): the due times assign-event computes across a
 * weekend, the National Day week and a make-up working day, and the SLA timers
 * firing at those times, not before. The clock only moves forward.
 */
import { eventually } from '../test-support/engine';
import { formatChinaTime } from '../sla/sla-window';
import { useGridHarness, USER_TASK } from './grid-harness';

jest.setTimeout(120_000);

/** Engine time minus wall time. */
let offset = Date.parse('2026-09-01T09:00:00+08:00') - Date.now();
const grid = useGridHarness(undefined, { now: () => Date.now() + offset });
const GRID_CODE = 'D01S01C01G02';

function setClock(instant: number): void {
  offset = instant - Date.now();
  grid.te.engine.clockMoved();
}

async function report(category: string, severity: string) {
  const point = await grid.pointIn(GRID_CODE);
  const reported = await grid.intake.reportEvent({ category, severity, source: 'hotline_12345', description: `${category} reported in a test`, reporterCode: 'citizen-000003', ...point });
  if (reported.processInstanceKey === undefined) throw new Error('the process did not start');
  return { eventId: reported.eventId, pik: reported.processInstanceKey };
}

interface TimerRow {
  readonly intent: string;
  readonly element_id: string;
  readonly created_at: Date;
  readonly due: string;
}

/** The engine's own record of the SLA timers of an instance: when each was due and when it fired. */
async function slaTimers(pik: string): Promise<TimerRow[]> {
  const { rows } = await grid.te.pool.query<TimerRow>(
    `select intent, element_id, created_at, value->>'dueDate' as due from engine.record
      where process_instance_key = $1 and value_type = 'TIMER' and element_id in ('Boundary_SlaWarning', 'Boundary_SlaBreached')
      order by position`,
    [pik],
  );
  return rows;
}

/** When assign-event recorded the assignment: the start of the handling period, on the test's clock. */
async function routedAt(eventId: number): Promise<number> {
  const { rows } = await grid.te.pool.query<{ at: Date }>(`select at from public.grid_event_transition where event_id = $1 and to_status = 'ROUTED' order by id`, [eventId]);
  expect(rows).toHaveLength(1);
  return rows[0].at.getTime();
}

/**
 * Reports the event at `start`, checks the due times assign-event computed
 * (the event's row, the process variables the handling task sees, the
 * engine's timers), then sets the clock a second before each and waits for
 * the timer to fire as the clock runs on. The clock runs while the workers
 * route the event, so the period starts a little after `start`: every
 * expected time moves by that little (all of them lie inside a working
 * period, where working time runs as fast as the clock).
 */
async function runSla(category: string, severity: string, department: string, start: string, nominal: { warnAt: string; dueAt: string }) {
  await grid.department(department);
  setClock(Date.parse(start));
  const { eventId, pik } = await report(category, severity);
  const task = await grid.next(pik, USER_TASK, 'Task_HandleInDepartment');
  const lag = (await routedAt(eventId)) - Date.parse(start);
  expect(lag).toBeGreaterThanOrEqual(0);
  expect(lag).toBeLessThan(60_000);
  const warnAt = Date.parse(nominal.warnAt) + lag;
  const dueAt = Date.parse(nominal.dueAt) + lag;
  expect(task.variables).toMatchObject({ slaWarnAt: formatChinaTime(new Date(warnAt)), slaDueAt: formatChinaTime(new Date(dueAt)) });
  expect((await grid.event(eventId)).slaDueAt?.getTime()).toBe(dueAt);
  const created = await eventually(async () => {
    const rows = (await slaTimers(pik)).filter((row) => row.intent === 'CREATED');
    return rows.length === 2 ? rows : undefined;
  }, { what: 'the SLA timers' });
  expect(created.map((row) => [row.element_id, Number(row.due)])).toEqual([
    ['Boundary_SlaWarning', warnAt],
    ['Boundary_SlaBreached', dueAt],
  ]);

  for (const [element, at, note] of [
    ['Boundary_SlaWarning', warnAt, 'SLA warning'],
    ['Boundary_SlaBreached', dueAt, 'SLA breached'],
  ] as const) {
    setClock(at - 1_000);
    await eventually(async () => ((await grid.notes(eventId)).some((n) => n.startsWith(note)) ? true : undefined), { what: `${note} of event ${eventId}` });
    // The record's time is the engine's clock when the timer fired: not before its time.
    const fired = (await slaTimers(pik)).filter((row) => row.intent === 'TRIGGERED' && row.element_id === element);
    expect(fired).toHaveLength(1);
    expect(fired[0].created_at.getTime()).toBeGreaterThanOrEqual(at);
    expect(fired[0].created_at.getTime()).toBeLessThan(at + 60_000);
  }
  expect((await grid.event(eventId)).escalated).toBe(true);
  return { eventId, pik };
}

test('an urgent event counts calendar hours, holiday or not: a gas leak at 03:00 on Mid-Autumn Festival is due at 05:00', async () => {
  await runSla('gas_leak', 'low', 'gas', '2026-09-27T03:00:00+08:00', {
    warnAt: '2026-09-27T04:36:00+08:00',
    dueAt: '2026-09-27T05:00:00+08:00',
  });
});

test('three working days over the National Day week: due on the make-up Saturday, 10 October 2026', async () => {
  // 30 September: 6 h; 1-7 October are holidays; the 8th and 9th: 14 h; Saturday the 10th is worked: 1 h.
  await runSla('street_cleaning', 'medium', 'sanitation', '2026-09-30T10:00:00+08:00', {
    warnAt: '2026-10-09T14:18:00+08:00',
    dueAt: '2026-10-10T10:00:00+08:00',
  });
});

test('three working days over a weekend: Friday 16:00 is due Wednesday 16:00, warned Wednesday 10:18', async () => {
  const { eventId } = await runSla('illegal_vending', 'medium', 'urban_management', '2026-11-13T16:00:00+08:00', {
    warnAt: '2026-11-18T10:18:00+08:00',
    dueAt: '2026-11-18T16:00:00+08:00',
  });
  expect((await grid.notes(eventId)).some((n) => n.includes('SLA 21 working h'))).toBe(true);
});
