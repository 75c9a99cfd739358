/**
 * The handlers against a real PostgreSQL with the seeded city, without an
 * engine: what each writes, what it answers, and that a redelivered job
 * (same key) writes nothing twice.
 */
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { createLogger } from '../config/logger';
import { Feedback, GridEvent, GridEventTransition, Person, Task } from '../orm/entities';
import type { PolygonCoordinates } from '../orm/entities/grid';
import { interiorPoint } from '../orm/geo/interior-point';
import { loadGridIndex } from '../orm/geo/load-grid-index';
import { ormConfig } from '../orm/orm-config';
import { seedTestCity } from '../test-support/city';
import { createTestDatabase, type TestDatabase } from '../test-support/database';
import { NotOursError, PermanentDepartmentError, TransientDepartmentError } from './departments/errors';
import { HANDLERS, JOB_TYPES } from './handlers';
import { InvalidJobError, type JobInput } from './job';
import { RecordingNotifier } from './notifier';
import { retryBackoff } from './notify-department';
import { distanceMeters } from './near-duplicate';
import { returnedBy } from './record-return';
import type { DepartmentCaller, WorkerServices } from './services';

const logger = createLogger('silent');
let database: TestDatabase;
let orm: MikroORM;
let services: WorkerServices;
let notifier: RecordingNotifier;
const departmentCalls: { step: string; endpoint: string }[] = [];
let departmentAnswer: () => Promise<void> = () => Promise.resolve();

beforeAll(async () => {
  database = await createTestDatabase();
  await seedTestCity(database.url);
  orm = await MikroORM.init(ormConfig(database.url, logger));
  const pool = new pg.Pool({ connectionString: database.url });
  const grids = await loadGridIndex(pool);
  await pool.end();
  notifier = new RecordingNotifier();
  const departments: DepartmentCaller = {
    async call(request) {
      departmentCalls.push({ step: request.step, endpoint: request.endpoint });
      await departmentAnswer();
      return { status: 201, body: {}, attempts: 1 };
    },
  };
  services = {
    em: orm.em,
    grids,
    departments,
    notifier,
    credentials: () => undefined,
    config: { feedbackTimeout: 'PT1H', slaSecondsPerHour: 60, duplicateRadiusMeters: 50, duplicateWindowHours: 24, notifyRetryBackoffMs: 100 },
    logger,
  };
}, 60_000);

afterAll(async () => {
  await orm?.close(true);
  await database?.drop();
});

let jobs = 0;
function job(variables: Record<string, unknown>, overrides: Partial<JobInput> = {}): JobInput {
  jobs++;
  return { key: String(9_000_000 + jobs), processInstanceKey: String(7_000_000 + jobs), elementId: 'Task', elementInstanceKey: String(8_000_000 + jobs), retries: 3, variables, ...overrides };
}

async function newEvent(fields: Partial<{ category: string; lon: number; lat: number; reportedAt: Date }> = {}): Promise<GridEvent> {
  const em = orm.em.fork();
  const [grid] = await em.execute<{ polygon: PolygonCoordinates }[]>(`select polygon from public.grid where code = 'D03S01C01G01'`);
  const centre = interiorPoint(grid.polygon);
  const reporter = await em.findOneOrFail(Person, { code: 'citizen-000003' });
  const event = em.create(GridEvent, {
    source: 'citizen_app',
    category: fields.category ?? 'garbage',
    description: 'test',
    severity: 'low',
    lon: fields.lon ?? centre.lon,
    lat: fields.lat ?? centre.lat,
    status: 'REPORTED',
    reporter,
    ...(fields.reportedAt ? { reportedAt: fields.reportedAt } : {}),
  });
  em.create(GridEventTransition, { event, toStatus: 'REPORTED' });
  await em.flush();
  return event;
}

const timeline = async (eventId: number) => (await orm.em.fork().find(GridEventTransition, { event: eventId }, { orderBy: { id: 'asc' } })).map((t) => `${t.toStatus}${t.escalated ? '!' : ''}`);
const reload = (eventId: number) => orm.em.fork().findOneOrFail(GridEvent, eventId);
const ROUTE = { level: 'DEPARTMENT', departments: ['sanitation'], slaHours: 72, priority: 30 };
const ASSIGNMENT = { level: 'DEPARTMENT', departments: ['sanitation'] };

describe('collect-event', () => {
  it('accepts a report in a grid, with the configured feedback timeout and SLA scale; a redelivery answers the same and writes nothing', async () => {
    const event = await newEvent();
    const collect = job({ eventId: String(event.id) });
    const answer = await HANDLERS['collect-event'](collect, services);
    expect(answer).toEqual({ kind: 'complete', variables: { collectOutcome: 'ACCEPTED', gridCode: 'D03S01C01G01', feedbackTimeout: 'PT1H', slaSecondsPerHour: 60 } });
    expect(await HANDLERS['collect-event'](collect, services)).toEqual(answer);
    expect(await timeline(event.id)).toEqual(['REPORTED', 'ACCEPTED']);
    const collected = await reload(event.id);
    expect(collected.processInstanceKey).toBe(collect.processInstanceKey);
    // Enriched: a report without an address gets its grid's.
    expect(collected.address).toMatch(/^.+, .+, .+ \(.+\)$/);
  });

  it('a second instance of the same event ends at collect without touching it', async () => {
    const event = await newEvent({ category: 'street_cleaning' });
    await HANDLERS['collect-event'](job({ eventId: String(event.id) }), services);
    expect(await HANDLERS['collect-event'](job({ eventId: String(event.id) }), services)).toEqual({ kind: 'complete', variables: { collectOutcome: 'REJECTED' } });
    expect(await timeline(event.id)).toEqual(['REPORTED', 'ACCEPTED']);
  });

  it('rejects an unknown category and a point outside every grid', async () => {
    const unknown = await newEvent({ category: 'alien_landing' });
    expect(await HANDLERS['collect-event'](job({ eventId: String(unknown.id) }), services)).toEqual({ kind: 'complete', variables: { collectOutcome: 'REJECTED' } });
    const outside = await newEvent({ lon: 10, lat: 10 });
    expect(await HANDLERS['collect-event'](job({ eventId: String(outside.id) }), services)).toEqual({ kind: 'complete', variables: { collectOutcome: 'REJECTED' } });
    expect((await reload(outside.id)).grid).toBeNull();
    expect(await timeline(outside.id)).toEqual(['REPORTED', 'REJECTED']);
  });

  it('merges a near-duplicate of an open event, not one too far away or too old', async () => {
    const open = await newEvent({ category: 'public_toilet' });
    await HANDLERS['collect-event'](job({ eventId: String(open.id) }), services);
    const near = await newEvent({ category: 'public_toilet', lat: Number(open.lat) + 0.0002 });
    const collectNear = job({ eventId: String(near.id) });
    expect(await HANDLERS['collect-event'](collectNear, services)).toEqual({ kind: 'complete', variables: { collectOutcome: 'MERGED' } });
    expect(await HANDLERS['collect-event'](collectNear, services)).toEqual({ kind: 'complete', variables: { collectOutcome: 'MERGED' } });
    expect((await reload(near.id)).duplicateOf?.id).toBe(open.id);
    expect(await timeline(near.id)).toEqual(['REPORTED', 'MERGED']);
    expect(await timeline(open.id)).toEqual(['REPORTED', 'ACCEPTED', 'ACCEPTED']);
    expect(notifier.sent).toContainEqual(expect.objectContaining({ kind: 'event-merged', eventId: near.id, to: 'citizen-000003' }));

    const far = await newEvent({ category: 'public_toilet', lat: Number(open.lat) + 0.001 });
    expect(await HANDLERS['collect-event'](job({ eventId: String(far.id) }), services)).toMatchObject({ variables: { collectOutcome: 'ACCEPTED' } });
    await orm.em.fork().nativeUpdate(GridEvent, { category: 'public_toilet' }, { reportedAt: new Date(Date.now() - 25 * 3600_000) });
    const late = await newEvent({ category: 'public_toilet' });
    expect(await HANDLERS['collect-event'](job({ eventId: String(late.id) }), services)).toMatchObject({ variables: { collectOutcome: 'ACCEPTED' } });
  });

  it('refuses an instance whose variables describe another event', async () => {
    const event = await newEvent();
    await expect(HANDLERS['collect-event'](job({ eventId: String(event.id), category: 'noise' }), services)).rejects.toThrow(`category: the instance says "noise", event ${event.id} is "garbage"`);
    expect((await reload(event.id)).processInstanceKey).toBeNull();
  });

  it('refuses a job without a valid event id: an incident, not a guess', async () => {
    await expect(HANDLERS['collect-event'](job({ eventId: 'abc' }), services)).rejects.toBeInstanceOf(InvalidJobError);
    await expect(HANDLERS['collect-event'](job({ eventId: '999999' }), services)).rejects.toThrow('no grid event 999999');
  });
});

describe('the steps after collect', () => {
  it('assign, escalate, return, close, feedback, reopen: each writes once per job key', async () => {
    const event = await newEvent({ category: 'street_cleaning', lon: 0, lat: 0 });
    const id = String(event.id);
    const assign = job({ eventId: id, route: ROUTE, assignment: ASSIGNMENT, priority: 50, slaSecondsPerHour: 60 });
    const assigned = await HANDLERS['assign-event'](assign, services);
    expect(assigned.kind).toBe('complete');
    const { slaDueAt, slaWarnAt, ...others } = (assigned as unknown as { variables: { slaDueAt: string; slaWarnAt: string } }).variables;
    expect(others).toEqual({ priority: 50 });
    // 72 h of 60 s: due in 72 minutes, the warning at 80 % of them
    expect(Date.parse(slaDueAt) - Date.parse(slaWarnAt)).toBe(72 * 60 * 1000 - Math.floor(72 * 60 * 1000 * 0.8));
    expect(slaDueAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
    await HANDLERS['assign-event'](assign, services);
    const due = (await reload(event.id)).slaDueAt!.getTime() - Date.now();
    expect(due).toBeGreaterThan(71 * 60_000);
    expect(due).toBeLessThanOrEqual(72 * 60_000);

    const em = orm.em.fork();
    em.create(Task, { jobKey: '5000001', processInstanceKey: '1', elementId: 'Task_HandleInDepartment', elementInstanceKey: '2', name: 'Handle', event: event.id, candidateGroups: ['sanitation'], priority: 50, state: 'CREATED' });
    await em.flush();
    const escalate = job({ eventId: id, assignment: ASSIGNMENT, priority: 50 });
    expect(await HANDLERS['escalate-event'](escalate, services)).toEqual({ kind: 'complete', variables: { priority: 70, escalated: true } });
    await HANDLERS['escalate-event'](escalate, services);
    expect((await reload(event.id)).escalated).toBe(true);
    expect((await orm.em.fork().findOneOrFail(Task, { jobKey: '5000001' })).priority).toBe(70);
    expect(notifier.sent.filter((n) => n.kind === 'sla-breached' && n.eventId === event.id)).toHaveLength(1);

    const ret = job({ eventId: id, assignment: ASSIGNMENT, returnReason: 'not ours', returnCount: 0, returnedDepartments: [] });
    expect(await HANDLERS['record-return'](ret, services)).toEqual({ kind: 'complete', variables: { returnCount: 1, returnedDepartments: ['sanitation'] } });
    await HANDLERS['record-return'](ret, services);

    const close = job({ eventId: id });
    await HANDLERS['close-event'](close, services);
    await HANDLERS['close-event'](close, services);

    const feedback = job({ eventId: id, feedbackOutcome: 'UNSATISFIED', feedback: { satisfied: false, score: 9, comment: 'still dirty' } });
    await HANDLERS['record-feedback'](feedback, services);
    await HANDLERS['record-feedback'](feedback, services);
    const reopen = job({ eventId: id, priority: 90, reopenCount: 0 });
    expect(await HANDLERS['reopen-event'](reopen, services)).toEqual({ kind: 'complete', variables: { reopenCount: 1, priority: 100 } });
    await HANDLERS['reopen-event'](reopen, services);
    // A later round without an answer does not reuse the earlier round's feedback.
    await HANDLERS['record-feedback'](job({ eventId: id, feedbackOutcome: 'NO_RESPONSE', feedback: { satisfied: false, score: 1 } }), services);

    expect(await timeline(event.id)).toEqual(['REPORTED', 'ROUTED', 'ROUTED!', 'ACCEPTED!', 'CLOSED!', 'CLOSED!', 'REOPENED!', 'REOPENED!']);
    const rows = await orm.em.fork().find(Feedback, { event: event.id }, { orderBy: { id: 'asc' } });
    expect(rows.map(({ satisfied, score, comment }) => ({ satisfied, score, comment }))).toEqual([
      { satisfied: false, score: null, comment: 'still dirty' },
      { satisfied: null, score: null, comment: null },
    ]);
    expect(notifier.sent.filter((n) => n.kind === 'event-closed' && n.eventId === event.id).length).toBeGreaterThanOrEqual(1);
  });

  it('refuses variables of the wrong shape', async () => {
    const event = await newEvent();
    await expect(HANDLERS['assign-event'](job({ eventId: String(event.id), route: { level: 'CITY' }, assignment: ASSIGNMENT }), services)).rejects.toThrow('route: expected {level: GRID | DEPARTMENT | JOINT, departments}');
    await expect(HANDLERS['record-feedback'](job({ eventId: String(event.id), feedbackOutcome: 'MAYBE' }), services)).rejects.toThrow('feedbackOutcome');
  });
});

describe('notify-department', () => {
  const notify = (department: string, retries = 5) => job({ eventId: '1', department }, { retries, elementInstanceKey: '4242' });

  beforeAll(async () => {
    await newEvent();
    await orm.em.fork().execute(`update public.department set api_endpoint = case when code = 'roads' then 'http://127.0.0.1:9/roads' else null end`);
  });

  it('calls the department with a step stable across retries of the job', async () => {
    departmentAnswer = () => Promise.resolve();
    departmentCalls.length = 0;
    expect(await HANDLERS['notify-department'](notify('roads'), services)).toEqual({ kind: 'complete', variables: {} });
    expect(await HANDLERS['notify-department'](notify('roads', 4), services)).toEqual({ kind: 'complete', variables: {} });
    expect(departmentCalls).toEqual([
      { step: 'notify-department-4242', endpoint: 'http://127.0.0.1:9/roads' },
      { step: 'notify-department-4242', endpoint: 'http://127.0.0.1:9/roads' },
    ]);
  });

  it('completes without a call when the department has no system', async () => {
    departmentCalls.length = 0;
    expect(await HANDLERS['notify-department'](notify('justice'), services)).toEqual({ kind: 'complete', variables: {} });
    expect(departmentCalls).toEqual([]);
  });

  it('turns the client errors into a BPMN error, a retry with back-off, or an incident', async () => {
    departmentAnswer = () => Promise.reject(new NotOursError('roads', 422, 'a drain'));
    expect(await HANDLERS['notify-department'](notify('roads'), services)).toMatchObject({ kind: 'bpmn-error', errorCode: 'NOT_OURS' });
    departmentAnswer = () => Promise.reject(new TransientDepartmentError('roads', 'down', 503, 4));
    expect(await HANDLERS['notify-department'](notify('roads', 3), services)).toEqual({ kind: 'fail', message: 'down', retries: 2, backoffMs: 400 });
    departmentAnswer = () => Promise.reject(new PermanentDepartmentError('roads', 'refused', 401));
    expect(await HANDLERS['notify-department'](notify('roads'), services)).toEqual({ kind: 'fail', message: 'refused', retries: 0, backoffMs: 0 });
    await expect(HANDLERS['notify-department'](notify('no_such_department'), services)).rejects.toBeInstanceOf(InvalidJobError);
  });
});

describe('pure parts', () => {
  it('lists exactly the job types of processes/README.md', () => {
    expect([...JOB_TYPES].sort()).toEqual(['assign-event', 'close-event', 'collect-event', 'escalate-event', 'notify-department', 'record-feedback', 'record-return', 'reopen-event', 'warn-sla']);
  });

  it('names who returned an event', () => {
    expect(returnedBy({ level: 'GRID', departments: [] }, undefined)).toEqual(['GRID']);
    expect(returnedBy({ level: 'DEPARTMENT', departments: ['roads'] }, undefined)).toEqual(['roads']);
    expect(returnedBy({ level: 'JOINT', departments: ['water_supply', 'drainage'] }, [{ department: 'water_supply', outcome: 'RESOLVED' }, { department: 'drainage', outcome: 'RETURNED' }])).toEqual(['drainage']);
    expect(returnedBy({ level: 'JOINT', departments: ['justice', 'command_center'] }, [{ department: 'justice', outcome: 'RESOLVED' }])).toEqual(['justice']);
  });

  it('doubles the retry back-off per failure, up to ten minutes', () => {
    expect([5, 4, 3, 2, 1].map((retries) => retryBackoff(retries, 100))).toEqual([100, 200, 400, 800, 1600]);
    expect(retryBackoff(0, 60_000)).toBe(600_000);
  });

  it('measures distances in metres', () => {
    expect(distanceMeters(118.78, 32.04, 118.78, 32.0401)).toBeCloseTo(11.1, 1);
  });
});
