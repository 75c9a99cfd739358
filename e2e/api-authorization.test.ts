/**
 * The authorization matrix: every role × every operation × something of their
 * own and something of another department or grid. Allowed means the call
 * gets past the access checks (it succeeds, or fails for a reason that is not
 * about access: a junk form, an event not yet closed); denied means
 * FORBIDDEN, or NOT_FOUND where even the object's existence is not the
 * caller's to know — and no data comes back either way.
 */
import type { GraphQLClient } from 'graphql-request';
import { LANDMARKS } from '../test-support/city';
import { eventually } from '../test-support/engine';
import { apiError, collect, useApiHarness } from './api-harness';

jest.setTimeout(90_000);

const h = useApiHarness();

const ROLES = ['citizen', 'grid_worker', 'clerk', 'department_manager', 'city_manager', 'admin'] as const;
type Role = (typeof ROLES)[number];
type Side = 'own' | 'other';
/** 'ok': past the access checks; otherwise the code the call must fail with. */
type Expect = 'ok' | 'FORBIDDEN' | 'NOT_FOUND';

const GRID_A = 'D01S01C01G01';
let gridB = '';
const PEOPLE: Record<Role, string> = {
  citizen: 'citizen-000001',
  grid_worker: `gw-${GRID_A}`,
  clerk: 'clerk-sanitation-001',
  department_manager: 'manager-sanitation',
  city_manager: 'manager-city-1',
  admin: 'admin-1',
};

/** Ids of the fixture: side A (sanitation, grid A, citizen-000001's report) and side B (roads, grid B, another citizen's). */
const ids = { eventA: '', eventB: '', taskA: '', taskB: '', verifyA: '', verifyB: '', arbitrateA: '' };

/** The task each role calls "own" and "other" (citizens have none: both are someone else's). */
const TASKS: Record<Role, Record<Side, () => string>> = {
  citizen: { own: () => ids.taskA, other: () => ids.taskB },
  grid_worker: { own: () => ids.verifyA, other: () => ids.verifyB },
  clerk: { own: () => ids.taskA, other: () => ids.taskB },
  department_manager: { own: () => ids.taskA, other: () => ids.taskB },
  city_manager: { own: () => ids.arbitrateA, other: () => ids.taskA },
  admin: { own: () => ids.taskA, other: () => ids.taskB },
};

async function insertEvent(gridCode: string, department: string, reporter: string): Promise<string> {
  const { rows } = await h.grid.te.pool.query<{ id: string }>(
    `insert into public.grid_event (source, category, description, severity, lon, lat, grid_code, status, level, departments, reporter_id)
     values ('citizen_app', 'garbage', 'bins', 'low', 118.6, 31.9, $1, 'ROUTED', 'DEPARTMENT', array[$2], (select id from public.person where code = $3))
     returning id::text`,
    [gridCode, department, reporter],
  );
  return rows[0].id;
}

let fakeKey = 990_000_000;
async function insertTask(eventId: string, groups: string[], formKey: string): Promise<string> {
  fakeKey += 1;
  const { rows } = await h.grid.te.pool.query<{ id: string }>(
    // Leased well ahead, so the task list's reconciler does not ask the engine about jobs that only this fixture knows.
    `insert into public.task (job_key, process_instance_key, element_id, element_instance_key, name, event_id, candidate_groups, form_key, state, lease_expires_at)
     values ($1, $1, 'Task', $1, 'A task', $2, $3, $4, 'CREATED', now() + interval '7 days') returning id::text`,
    [fakeKey, eventId, groups, formKey],
  );
  return rows[0].id;
}

beforeAll(async () => {
  gridB = (await h.grid.te.pool.query<{ code: string }>(`select code from public.grid where district_code <> '360102' order by code limit 1`)).rows[0].code;
  ids.eventA = await insertEvent(GRID_A, 'sanitation', 'citizen-000001');
  ids.eventB = await insertEvent(gridB, 'roads', 'citizen-000002');
  ids.taskA = await insertTask(ids.eventA, ['sanitation'], 'grid-dispatch-handle');
  ids.taskB = await insertTask(ids.eventB, ['roads'], 'grid-dispatch-handle');
  ids.verifyA = await insertTask(ids.eventA, [`grid-${GRID_A}`], 'grid-dispatch-verify');
  ids.verifyB = await insertTask(ids.eventB, [`grid-${gridB}`], 'grid-dispatch-verify');
  ids.arbitrateA = await insertTask(ids.eventA, ['city-managers'], 'grid-dispatch-arbitrate');
});

async function outcome(call: Promise<unknown>, passCodes: readonly string[] = []): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    const { code } = await apiError(Promise.reject(error));
    return passCodes.includes(code) ? 'ok' : code;
  }
}

const clients = new Map<Role, GraphQLClient>();
async function as(role: Role): Promise<GraphQLClient> {
  let client = clients.get(role);
  if (!client) clients.set(role, (client = await h.as(PEOPLE[role])));
  return client;
}

const matrix = (rows: Record<Role, [Expect, Expect]>) => ROLES.flatMap((role) => (['own', 'other'] as const).map((side, i) => [role, side, rows[role][i]] as const));

describe('reading an event', () => {
  test.each(matrix({
    citizen: ['ok', 'NOT_FOUND'],
    grid_worker: ['ok', 'NOT_FOUND'],
    clerk: ['ok', 'NOT_FOUND'],
    department_manager: ['ok', 'NOT_FOUND'],
    city_manager: ['ok', 'ok'],
    admin: ['ok', 'ok'],
  }))('%s, %s event: %s', async (role, side, expected) => {
    const id = side === 'own' ? ids.eventA : ids.eventB;
    expect(await outcome((await as(role)).request('query E($id: ID!) { event(id: $id) { id description } }', { id }))).toBe(expected);
  });

  test.each(ROLES)('%s: the events list holds exactly what event(id) allows', async (role) => {
    const { events } = await (await as(role)).request<{ events: { edges: { node: { id: string } }[] } }>('{ events(first: 100) { edges { node { id } } } }');
    const listed = events.edges.map((e) => e.node.id);
    const seesB = role === 'city_manager' || role === 'admin';
    expect(listed).toContain(ids.eventA);
    expect(listed.includes(ids.eventB)).toBe(seesB);
  });
});

describe("the reporter's name and phone", () => {
  type Shown = 'full' | 'masked';
  const REPORTER_OF_A = 'query E($id: ID!) { event(id: $id) { reporter { code name phone } timeline { actor { person { code name phone } } } } }';
  /** As each role reads event A's reporter: unclaimed, and while holding a task of A (grid worker: verify; clerk and department manager: handle). */
  const SHOWN: Record<Role, { readonly unclaimed: Shown; readonly claimed?: Shown; readonly task?: () => string }> = {
    citizen: { unclaimed: 'full' },
    grid_worker: { unclaimed: 'masked', claimed: 'full', task: () => ids.verifyA },
    clerk: { unclaimed: 'masked', claimed: 'full', task: () => ids.taskA },
    department_manager: { unclaimed: 'masked', claimed: 'full', task: () => ids.taskA },
    city_manager: { unclaimed: 'full' },
    admin: { unclaimed: 'masked' },
  };

  const reporterA = async () =>
    (await h.grid.te.pool.query<{ id: string; name: string; phone: string }>(`select id::text, name, phone from public.person where code = 'citizen-000001'`)).rows[0];
  const expected = (person: { name: string; phone: string }, shown: Shown) =>
    shown === 'full' ? { name: person.name, phone: person.phone } : { name: `${[...person.name][0]}${'*'.repeat([...person.name].length - 1)}`, phone: `${person.phone.slice(0, 3)}****${person.phone.slice(-4)}` };
  const readsBy = async (code: string) =>
    (await h.grid.te.pool.query<{ field: string; masked: boolean }>('select field, masked from public.personal_data_read where reader_code = $1 order by id', [code])).rows;

  beforeAll(async () => {
    // The "reported" entry of the timeline names the reporter as its actor: it is shown by the same rule.
    await h.grid.te.pool.query(
      `insert into public.grid_event_transition (event_id, to_status, actor_id, note) values ($1, 'REPORTED', (select id from public.person where code = 'citizen-000001'), 'reported through citizen_app')`,
      [ids.eventA],
    );
  });

  test.each(ROLES)('%s reads them as the rule says, masked or in full, and each read by staff is on record', async (role) => {
    const person = await reporterA();
    const client = await as(role);
    const read = async () => {
      const { event } = await client.request<{ event: { reporter: { code: string; name: string; phone: string }; timeline: { actor: { person: { name: string; phone: string } | null } | null }[] } }>(REPORTER_OF_A, { id: ids.eventA });
      const actor = event.timeline.find((entry) => entry.actor?.person)?.actor?.person;
      expect(actor).toEqual({ code: 'citizen-000001', name: event.reporter.name, phone: event.reporter.phone });
      return { name: event.reporter.name, phone: event.reporter.phone };
    };
    const before = (await readsBy(PEOPLE[role])).length;
    const rule = SHOWN[role];
    expect(await read()).toEqual(expected(person, rule.unclaimed));
    if (role === 'citizen') {
      // A citizen's own data read by themselves is no staff read.
      expect(await readsBy(PEOPLE[role])).toHaveLength(0);
      return;
    }
    // Name and phone, of the reporter and of the timeline's actor: four reads, shown as they were.
    const byField = (a: { field: string }, b: { field: string }) => a.field.localeCompare(b.field);
    expect((await readsBy(PEOPLE[role])).slice(before).sort(byField)).toEqual(
      ['name', 'name', 'phone', 'phone'].map((field) => ({ field, masked: rule.unclaimed === 'masked' })),
    );
    if (rule.task && rule.claimed) {
      const id = rule.task();
      await client.request('mutation C($id: ID!) { claimTask(id: $id) { id } }', { id });
      try {
        expect(await read()).toEqual(expected(person, rule.claimed));
      } finally {
        await client.request('mutation U($id: ID!) { unclaimTask(id: $id) { id } }', { id });
      }
      // Unclaimed again, masked again.
      expect(await read()).toEqual(expected(person, rule.unclaimed));
    }
  });

  test('another citizen learns nothing of the reporter: the event is not found', async () => {
    expect(await outcome((await h.as('citizen-000002')).request(REPORTER_OF_A, { id: ids.eventA }))).toBe('NOT_FOUND');
  });
});

describe('tasks', () => {
  test.each(matrix({
    citizen: ['NOT_FOUND', 'NOT_FOUND'],
    grid_worker: ['ok', 'NOT_FOUND'],
    clerk: ['ok', 'NOT_FOUND'],
    department_manager: ['ok', 'NOT_FOUND'],
    city_manager: ['ok', 'ok'],
    admin: ['ok', 'ok'],
  }))('%s reads the %s task: %s', async (role, side, expected) => {
    expect(await outcome((await as(role)).request('query T($id: ID!) { task(id: $id) { id } }', { id: TASKS[role][side]() }))).toBe(expected);
  });

  test.each(ROLES)('%s: the queue lists the own task and no other department\'s or grid\'s', async (role) => {
    const { tasks } = await (await as(role)).request<{ tasks: { edges: { node: { id: string } }[] } }>('{ tasks(first: 100) { edges { node { id } } } }');
    const listed = tasks.edges.map((e) => e.node.id);
    expect(listed.includes(TASKS[role].own())).toBe(role !== 'citizen');
    expect(listed.includes(TASKS[role].other())).toBe(role === 'city_manager' || role === 'admin');
  });

  const ACT = matrix({
    citizen: ['NOT_FOUND', 'NOT_FOUND'],
    grid_worker: ['ok', 'NOT_FOUND'],
    clerk: ['ok', 'NOT_FOUND'],
    department_manager: ['ok', 'NOT_FOUND'],
    city_manager: ['ok', 'FORBIDDEN'],
    admin: ['FORBIDDEN', 'FORBIDDEN'],
  });

  test.each(ACT)('%s claims, completes, returns and unclaims the %s task: %s', async (role, side, expected) => {
    const client = await as(role);
    const id = TASKS[role][side]();
    const claimed = await outcome(client.request('mutation C($id: ID!) { claimTask(id: $id) { id } }', { id }));
    expect(claimed).toBe(expected);
    // A junk form is refused only once access is granted: BAD_USER_INPUT means the checks let the caller through.
    expect(await outcome(client.request('mutation C($id: ID!) { completeTask(id: $id, outcome: "NOPE", variables: { junk: 1 }) { id } }', { id }), ['BAD_USER_INPUT'])).toBe(expected);
    expect(await outcome(client.request('mutation R($id: ID!) { returnTask(id: $id, reason: " ") { id } }', { id }), ['BAD_USER_INPUT'])).toBe(expected);
    expect(await outcome(client.request('mutation U($id: ID!) { unclaimTask(id: $id) { id assignee } }', { id }))).toBe(expected);
    const { rows } = await h.grid.te.pool.query('select assignee, state from public.task where id = $1', [id]);
    expect(rows[0]).toEqual({ assignee: null, state: 'CREATED' });
  });
});

describe('reports and feedback', () => {
  test.each([
    ['citizen', 'ok'],
    ['grid_worker', 'ok'],
    ['clerk', 'FORBIDDEN'],
    ['department_manager', 'FORBIDDEN'],
    ['city_manager', 'FORBIDDEN'],
    ['admin', 'FORBIDDEN'],
  ] as const)('%s reports an event: %s', async (role, expected) => {
    const point = await h.grid.pointIn(GRID_A);
    const mutation = 'mutation R($lon: Float!, $lat: Float!) { reportEvent(input: { category: "garbage", description: "overflowing", severity: LOW, lon: $lon, lat: $lat }) { id } }';
    expect(await outcome((await as(role)).request(mutation, point))).toBe(expected);
  });

  test('the hotline desk reports for a caller; other clerks may not', async () => {
    const hotline = await h.as('clerk-command_center-001');
    const point = await h.grid.pointIn(GRID_A);
    const { reportEvent } = await hotline.request<{ reportEvent: { source: string; reporter: { code: string } } }>(
      'mutation R($lon: Float!, $lat: Float!) { reportEvent(input: { category: "garbage", description: "caller says", severity: LOW, lon: $lon, lat: $lat, reporterCode: "citizen-000004" }) { source reporter { code } } }',
      point,
    );
    expect(reportEvent).toEqual({ source: 'HOTLINE_12345', reporter: { code: 'citizen-000004' } });
  });

  test('the hotline reports an address alone, placed in the community it names; GCJ-02 is converted; an unknown crs names the field', async () => {
    const hotline = await h.as('clerk-command_center-001');
    const byAddress = await hotline.request<{ reportEvent: { grid: Record<string, string> } }>(
      'mutation { reportEvent(input: { category: "garbage", description: "caller says", severity: LOW, address: "东湖区滕王阁街道民巷社区门口" }) { grid { districtName streetName communityName communityPinyin } } }',
    );
    expect(byAddress.reportEvent.grid).toEqual({ districtName: '东湖区', streetName: '滕王阁街道', communityName: '民巷社区', communityPinyin: 'Minxiang Shequ' });
    const report = 'mutation R($input: ReportEventInput!) { reportEvent(input: $input) { lon lat grid { districtName } } }';
    const gcj = LANDMARKS.tengwangPavilionGcj02;
    const input = { category: 'garbage', description: 'bins', severity: 'LOW', lon: gcj.lon, lat: gcj.lat, crs: 'GCJ02' };
    const converted = await (await as('citizen')).request<{ reportEvent: { lon: number; lat: number; grid: { districtName: string } } }>(report, { input });
    expect(converted.reportEvent.grid).toEqual({ districtName: '东湖区' });
    expect(converted.reportEvent.lon).toBeCloseTo(LANDMARKS.tengwangPavilion.lon, 5);
    expect(converted.reportEvent.lat).toBeCloseTo(LANDMARKS.tengwangPavilion.lat, 5);
    const refused = await apiError((await as('citizen')).request(report, { input: { ...input, crs: 'BD09' } }));
    expect(refused.message).toMatch(/input\.crs/);
  });

  test.each(matrix({
    // The reporter's own event is still open: CONFLICT is past the access checks.
    citizen: ['ok', 'NOT_FOUND'],
    grid_worker: ['FORBIDDEN', 'NOT_FOUND'],
    clerk: ['FORBIDDEN', 'NOT_FOUND'],
    department_manager: ['FORBIDDEN', 'NOT_FOUND'],
    city_manager: ['FORBIDDEN', 'FORBIDDEN'],
    admin: ['FORBIDDEN', 'FORBIDDEN'],
  }))('%s gives feedback on the %s event: %s', async (role, side, expected) => {
    const id = side === 'own' ? ids.eventA : ids.eventB;
    const call = (await as(role)).request('mutation F($id: ID!) { submitFeedback(eventId: $id, feedback: { satisfied: true }) { id } }', { id });
    expect(await outcome(call, ['CONFLICT'])).toBe(expected);
  });
});

describe('breaches, KPIs and the monitor', () => {
  const DEPARTMENTS: Record<Side, string> = { own: 'sanitation', other: 'roads' };
  const CONFINED = matrix({
    citizen: ['FORBIDDEN', 'FORBIDDEN'],
    grid_worker: ['FORBIDDEN', 'FORBIDDEN'],
    clerk: ['FORBIDDEN', 'FORBIDDEN'],
    department_manager: ['ok', 'FORBIDDEN'],
    city_manager: ['ok', 'ok'],
    admin: ['ok', 'ok'],
  });

  test.each(CONFINED)("%s reads the %s department's SLA breaches and KPIs: %s", async (role, side, expected) => {
    const client = await as(role);
    const filter = { department: DEPARTMENTS[side] };
    expect(await outcome(client.request('query B($filter: BreachFilter) { slaBreaches(filter: $filter) { edges { node { category } } } }', { filter }))).toBe(expected);
    expect(await outcome(client.request('query S($filter: StatsFilter) { stats(filter: $filter) { kpis { reported } } }', { filter }))).toBe(expected);
  });

  test('a department manager asking for no department gets their own, and nothing of another', async () => {
    const manager = await as('department_manager');
    const { slaBreaches } = await manager.request<{ slaBreaches: { edges: { node: { departments: { code: string }[] } }[] } }>(
      '{ slaBreaches(first: 100) { edges { node { departments { code } } } } }',
    );
    expect(slaBreaches.edges.every((edge) => edge.node.departments.some((d) => d.code === 'sanitation'))).toBe(true);
  });

  const CITY_ONLY: [Role, Expect][] = [
    ['citizen', 'FORBIDDEN'],
    ['grid_worker', 'FORBIDDEN'],
    ['clerk', 'FORBIDDEN'],
    ['department_manager', 'FORBIDDEN'],
    ['city_manager', 'ok'],
    ['admin', 'ok'],
  ];

  test.each(CITY_ONLY)('%s reads the monitor (processes, a process, an instance, incidents): %s', async (role, expected) => {
    const client = await as(role);
    expect(await outcome(client.request('{ processes { bpmnProcessId running } }'))).toBe(expected);
    expect(await outcome(client.request('{ process(bpmnProcessId: "grid-event") { version elements { elementId active } } }'))).toBe(expected);
    expect(await outcome(client.request('{ processInstance(key: "2251799813685249") { key } }'))).toBe(expected);
    expect(await outcome(client.request('{ incidents { edges { node { key } } } }'))).toBe(expected);
  });

  test.each(CITY_ONLY)('%s retries incidents and cancels instances: %s', async (role, expected) => {
    const client = await as(role);
    // Unknown keys: past the access checks the gateway answers NOT_FOUND; before them, FORBIDDEN.
    const pastAccess = expected === 'ok' ? 'NOT_FOUND' : expected;
    expect(await outcome(client.request('mutation { retryIncident(key: "2251799813685249") }'))).toBe(pastAccess);
    expect(await outcome(client.request('mutation { cancelProcessInstance(key: "2251799813685249") }'))).toBe(pastAccess);
  });
});

test('queue subscriptions hear only of tasks in the subscriber\'s queues', async () => {
  const subscriptions = new Map<Role, ReturnType<typeof collect<{ taskQueueChanged: { task: { id: string } } }>>>();
  for (const role of ROLES) {
    const sub = collect<{ taskQueueChanged: { task: { id: string } } }>(await h.ws(PEOPLE[role]), 'subscription { taskQueueChanged { kind task { id } } }');
    await sub.ready;
    subscriptions.set(role, sub);
  }
  await eventually(() => (h.taskList.changes.subscriberCount >= ROLES.length ? true : undefined), { what: 'every subscription to reach the server' });

  const clerkB = await h.as('clerk-roads-001');
  for (const [client, id] of [[await as('clerk'), ids.taskA], [clerkB, ids.taskB], [await as('grid_worker'), ids.verifyA]] as const) {
    await client.request('mutation C($id: ID!) { claimTask(id: $id) { id } }', { id });
    await client.request('mutation U($id: ID!) { unclaimTask(id: $id) { id } }', { id });
  }
  // The city's view hears all six changes; then everyone has heard what they will.
  await eventually(() => (subscriptions.get('admin')!.items.length >= 6 ? true : undefined), { what: 'the changes to reach the admin' });

  const heard = (role: Role) => new Set(subscriptions.get(role)!.items.map((item) => item.taskQueueChanged.task.id));
  expect(heard('citizen')).toEqual(new Set());
  expect(heard('grid_worker')).toEqual(new Set([ids.verifyA]));
  expect(heard('clerk')).toEqual(new Set([ids.taskA]));
  expect(heard('department_manager')).toEqual(new Set([ids.taskA]));
  expect(heard('city_manager')).toEqual(new Set([ids.taskA, ids.taskB, ids.verifyA]));
  expect(heard('admin')).toEqual(new Set([ids.taskA, ids.taskB, ids.verifyA]));
  for (const sub of subscriptions.values()) sub.stop();
});
