/**
 * The managers' API against a scripted run of the real service: citizens
 * report through GraphQL, the workers route, clerks and a grid worker handle
 * and verify through GraphQL, one event breaches its shortened SLA, one is
 * merged into it, one department's system is down until it raises an
 * incident. Then a city manager reads the monitor (checked against the
 * engine's own tables), retries the incident once the department is back,
 * cancels an instance, and reads breaches and KPIs (checked against figures
 * computed here from the same rows); a department's manager is confined to
 * their department, and clerks and citizens are refused.
 */
// Typed asymmetric matchers (the global ones are `any`), so the objects built with them are checked.
import { expect } from '@jest/globals';
import { gql, GraphQLClient } from 'graphql-request';
import { eventually } from '../test-support/engine';
import { apiError, useApiHarness } from './api-harness';
import { answer, type FakeDepartment } from './grid-harness';

jest.setTimeout(120_000);

/** Statements the API ran: a page costs the same whatever its size. */
let statements = 0;
const h = useApiHarness({
  db: (pool) => ({
    query: (text, values) => {
      statements++;
      return pool.query(text, values);
    },
  }),
});
const CITY_MANAGER = 'manager-city-1';
const ADMIN = 'admin-1';
const DEPARTMENT_MANAGER = 'manager-urban_management';
const CLERK = 'clerk-urban_management-001';
const CITIZEN = 'citizen-000003';
const GRIDS = ['D03S01C01G01', 'D03S01C01G02', 'D03S01C01G03', 'D03S01C01G04'] as const;

interface Reported { readonly id: string; readonly pik: string }
const run = {} as { closed: Reported; breached: Reported; merged: Reported; failing: Reported; cancelled: Reported; roads: FakeDepartment; definitionKey: string };

const REPORT = gql`mutation Report($input: ReportEventInput!) { reportEvent(input: $input) { id } }`;
const QUEUE = gql`query Queue { tasks(filter: { myGroups: true }) { edges { node { id formKey event { id } } } } }`;
const CLAIM = gql`mutation Claim($id: ID!) { claimTask(id: $id) { id } }`;
const COMPLETE = gql`mutation Complete($id: ID!, $outcome: String, $variables: JSONObject) { completeTask(id: $id, outcome: $outcome, variables: $variables) { id } }`;
const PROCESSES = gql`query { processes { bpmnProcessId name version processDefinitionKey running incidents breached completed } }`;
const PROCESS = gql`query Process($id: String!) { process(bpmnProcessId: $id) { bpmnProcessId name version processDefinitionKey bpmnXml elements { elementId active incidents breached completed } } }`;
const INSTANCES = gql`query Instances($state: InstanceState, $first: Int, $after: String) {
  process(bpmnProcessId: "grid-event") { instances(state: $state, first: $first, after: $after) { edges { cursor node { key state endedAt } } pageInfo { hasNextPage endCursor } } } }`;
const INSTANCE = gql`query Instance($key: ID!) { processInstance(key: $key) {
  key bpmnProcessId version state startedAt endedAt variables activeElements
  incidents { key elementId } history { position at valueType intent elementId elementType } event { id status } } }`;
const INCIDENTS = gql`query Incidents($pik: ID, $first: Int, $after: String) { incidents(processInstanceKey: $pik, first: $first, after: $after) {
  edges { node { key processInstanceKey bpmnProcessId elementId elementInstanceKey jobKey errorType errorMessage createdAt event { id } } } pageInfo { hasNextPage endCursor } } }`;
const RETRY = gql`mutation Retry($key: ID!) { retryIncident(key: $key, retries: 2) }`;
const CANCEL = gql`mutation Cancel($key: ID!) { cancelProcessInstance(key: $key) }`;
const BREACHES = gql`query Breaches($filter: BreachFilter, $first: Int, $after: String) { slaBreaches(filter: $filter, first: $first, after: $after) {
  edges { node { event { id } breachedAt slaDueAt overdueSeconds open departments { code } grid { code } category } } pageInfo { hasNextPage endCursor } } }`;
const KPI_FIELDS = 'reported accepted closed merged acceptanceRate completionRate satisfactionRate feedbackCount averageHandlingSeconds p90HandlingSeconds breaches';
const STATS = gql`query Stats($filter: StatsFilter, $dimension: StatsDimension!, $first: Int) { stats(filter: $filter) {
  kpis { ${KPI_FIELDS} } by(dimension: $dimension, first: $first) { key kpis { ${KPI_FIELDS} } } } }`;

async function report(category: string, gridCode: string): Promise<Reported> {
  const citizen = await h.as(CITIZEN);
  const point = await h.grid.pointIn(gridCode);
  const { reportEvent } = await citizen.request<{ reportEvent: { id: string } }>(REPORT, {
    input: { category, severity: 'MEDIUM', description: `${category} in a managers' test`, ...point },
  });
  const pik = await eventually(async () => {
    const { rows } = await h.grid.te.pool.query<{ pik: string | null }>('select process_instance_key::text as pik from public.grid_event where id = $1', [reportEvent.id]);
    return rows[0]?.pik ?? undefined;
  }, { what: `the process of event ${reportEvent.id}` });
  return { id: reportEvent.id, pik };
}

async function status(eventId: string): Promise<string> {
  return (await h.grid.event(Number(eventId))).status;
}

async function activeAt(pik: string, elementId: string): Promise<true> {
  return eventually(async () => {
    const { rows } = await h.grid.te.pool.query('select 1 from engine.element_instance where process_instance_key = $1 and element_id = $2', [pik, elementId]);
    return rows.length > 0 ? true : undefined;
  }, { what: `instance ${pik} at ${elementId}`, timeoutMs: 20_000 });
}

/** Claims and completes the person's task of this form for the event, through GraphQL as that person. */
async function handle(personCode: string, eventId: string, formKey: string, completion: { outcome?: string; variables?: Record<string, unknown> }): Promise<void> {
  const client = await h.as(personCode);
  const task = await eventually(async () => {
    const { tasks } = await client.request<{ tasks: { edges: { node: { id: string; formKey: string; event: { id: string } | null } }[] } }>(QUEUE);
    return tasks.edges.map((edge) => edge.node).find((node) => node.event?.id === eventId && node.formKey === formKey);
  }, { what: `${formKey} of event ${eventId} for ${personCode}`, timeoutMs: 20_000 });
  await client.request(CLAIM, { id: task.id });
  await client.request(COMPLETE, { id: task.id, ...completion });
}

async function sql<R extends Record<string, unknown>>(text: string, values: unknown[] = []): Promise<R[]> {
  return (await h.grid.te.pool.query<R>(text, values)).rows;
}

beforeAll(async () => {
  await h.grid.department('urban_management');
  run.roads = await h.grid.department('roads', answer(503, { error: 'maintenance' }));

  // Handled, verified, closed, and the citizen is satisfied: the instance completes.
  run.closed = await report('illegal_parking', GRIDS[0]);
  await handle(CLERK, run.closed.id, 'grid-dispatch-handle', { outcome: 'RESOLVED' });
  await handle(`gw-${GRIDS[0]}`, run.closed.id, 'grid-dispatch-verify', { variables: { verified: true } });
  await eventually(async () => ((await status(run.closed.id)) === 'CLOSED' ? true : undefined), { what: 'the first event to close', timeoutMs: 20_000 });
  await (await h.as(CITIZEN)).request(gql`mutation F($id: ID!) { submitFeedback(eventId: $id, feedback: { satisfied: true, score: 5 }) { id } }`, { id: run.closed.id });
  await h.grid.completed(run.closed.pik);

  // Three working days at 1/36 s an hour: breached seconds after it is routed; collect reads the setting.
  h.grid.config.slaSecondsPerHour = 1 / 36;
  try {
    run.breached = await report('illegal_vending', GRIDS[1]);
    await eventually(async () => ((await status(run.breached.id)) !== 'REPORTED' ? true : undefined), { what: 'the collect step' });
  } finally {
    h.grid.config.slaSecondsPerHour = 3600;
  }
  // The same vending stall again, while the first report is open: merged into it.
  run.merged = await report('illegal_vending', GRIDS[1]);
  run.failing = await report('road_damage', GRIDS[2]);
  run.cancelled = await report('illegal_advertising', GRIDS[3]);

  await eventually(async () => ((await h.grid.event(Number(run.breached.id))).breachedAt ? true : undefined), { what: 'the breach', timeoutMs: 20_000 });
  await h.grid.completed(run.merged.pik);
  await eventually(async () => ((await h.grid.te.incidents(run.failing.pik)).length > 0 ? true : undefined), { what: 'the incident', timeoutMs: 20_000 });
  await activeAt(run.breached.pik, 'Task_HandleInDepartment');
  await activeAt(run.cancelled.pik, 'Task_HandleInDepartment');
  // The SLA timers' tasks (warn, escalate) have run once the breach shows; wait until nothing moves.
  await eventually(async () => {
    const [busy] = await sql<{ n: string }>(`select count(*)::text as n from engine.element_instance where element_id in ('Task_WarnSla', 'Task_Escalate')`);
    return busy.n === '0' ? true : undefined;
  }, { what: 'the SLA tasks to finish' });
  run.definitionKey = (await sql<{ key: string }>(`select key::text as key from engine.process_definition where bpmn_process_id = 'grid-event'`))[0].key;
}, 120_000);

describe('the process monitor', () => {
  test('processes: the grid-event process with its counts over the engine state', async () => {
    const manager = await h.as(CITY_MANAGER);
    const { processes } = await manager.request<{ processes: Record<string, unknown>[] }>(PROCESSES);
    const [counts] = await sql<{ running: number; incidents: number; completed: number }>(`
      select (select count(*) from engine.element_instance where element_type = 'PROCESS')::int as running,
             (select count(*) from engine.incident)::int as incidents,
             (select count(*) from engine.record where value_type = 'PROCESS_INSTANCE' and intent = 'ELEMENT_COMPLETED' and element_id = 'grid-event')::int as completed`);
    expect(processes).toEqual([
      { bpmnProcessId: 'grid-event', name: 'Grid event', version: 1, processDefinitionKey: run.definitionKey, running: counts.running, incidents: 1, breached: 1, completed: counts.completed },
    ]);
    // What the script left: three running (breached, failing, cancelled-to-be), two completed (closed, merged).
    expect(counts).toEqual({ running: 3, incidents: 1, completed: 2 });
  });

  test('process: the BPMN XML and element statistics equal the engine tables', async () => {
    const manager = await h.as(CITY_MANAGER);
    const { process } = await manager.request<{ process: { bpmnXml: string; elements: { elementId: string; active: number; incidents: number; breached: number; completed: number }[] } & Record<string, unknown> }>(PROCESS, { id: 'grid-event' });
    expect(process).toMatchObject({ bpmnProcessId: 'grid-event', name: 'Grid event', version: 1, processDefinitionKey: run.definitionKey });
    expect(process.bpmnXml).toContain('<bpmn:process id="grid-event"');

    const active = await sql<{ element_id: string; n: number }>(`select element_id, count(*)::int as n from engine.element_instance
      where element_type not in ('PROCESS', 'MULTI_INSTANCE_BODY') group by element_id`);
    const completed = await sql<{ element_id: string; n: number }>(`select element_id, count(*)::int as n from engine.record
      where value_type = 'PROCESS_INSTANCE' and intent = 'ELEMENT_COMPLETED' and value->>'bpmnElementType' not in ('PROCESS', 'MULTI_INSTANCE_BODY') group by element_id`);
    const byId = new Map(process.elements.map((element) => [element.elementId, element]));
    for (const row of active) expect(byId.get(row.element_id)?.active).toBe(row.n);
    for (const row of completed) expect(byId.get(row.element_id)?.completed).toBe(row.n);
    expect(process.elements.reduce((sum, e) => sum + e.active, 0)).toBe(active.reduce((sum, r) => sum + r.n, 0));

    // The breached event and the one still to be cancelled wait in their department; the failing one is stuck notifying.
    expect(byId.get('Task_HandleInDepartment')).toMatchObject({ active: 2, breached: 1, incidents: 0 });
    expect(byId.get('Task_NotifyDepartment')).toMatchObject({ active: 1, incidents: 1, breached: 0 });
    // Collected: all five reports; escalated once; verified once.
    expect(byId.get('Task_Collect')?.completed).toBe(5);
    expect(byId.get('Task_Escalate')?.completed).toBe(1);
    expect(byId.get('Task_Verify')?.completed).toBe(1);
    expect(process.elements.map((e) => e.elementId)).toEqual([...process.elements.map((e) => e.elementId)].sort());
  });

  test('instances by state, page by page, newest first', async () => {
    type InstancePage = { edges: { node: { key: string; state: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    const manager = await h.as(CITY_MANAGER);
    const all = async (state: string | null) => {
      const keys: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: InstancePage = (await manager.request<{ process: { instances: InstancePage } }>(INSTANCES, { state, first: 1, after })).process.instances;
        keys.push(...page.edges.map((edge) => edge.node.key));
        if (!page.pageInfo.hasNextPage) return keys;
        after = page.pageInfo.endCursor;
      }
    };
    const byKeyDesc = (keys: string[]) => [...keys].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : -1));
    expect(await all('ACTIVE')).toEqual(byKeyDesc([run.breached.pik, run.failing.pik, run.cancelled.pik]));
    expect(await all('COMPLETED')).toEqual(byKeyDesc([run.closed.pik, run.merged.pik]));
    expect(await all('TERMINATED')).toEqual([]);
    expect(await all(null)).toEqual(byKeyDesc([run.closed.pik, run.breached.pik, run.merged.pik, run.failing.pik, run.cancelled.pik]));
  });

  test('a page of instances with everything nested costs the same few statements whatever its size', async () => {
    const manager = await h.as(CITY_MANAGER);
    const nested = gql`query Nested($first: Int) { process(bpmnProcessId: "grid-event") { instances(first: $first) { edges { node {
      key variables activeElements incidents { key event { id } } history { position } event { id grid { code } departments { code } reporter { code } } } } } } }`;
    const cost = async (first: number) => {
      const before = statements;
      const { process } = await manager.request<{ process: { instances: { edges: unknown[] } } }>(nested, { first });
      return { nodes: process.instances.edges.length, statements: statements - before };
    };
    const one = await cost(1);
    const all = await cost(5);
    expect(all.nodes).toBe(5);
    expect(all.statements).toBe(one.statements);
  });

  test('processInstance: variables, active elements, history and event, running and completed', async () => {
    const manager = await h.as(CITY_MANAGER);
    type Instance = { key: string; state: string; startedAt: string; endedAt: string | null; variables: Record<string, unknown>; activeElements: string[]; history: { position: string; valueType: string; intent: string; elementId: string | null; elementType: string | null }[]; event: { id: string } };
    const { processInstance: running } = await manager.request<{ processInstance: Instance }>(INSTANCE, { key: run.breached.pik });
    const variables = await sql<{ name: string; value: unknown }>('select name, value from engine.variable where scope_key = $1', [run.breached.pik]);
    expect(running).toMatchObject({ key: run.breached.pik, bpmnProcessId: 'grid-event', version: 1, state: 'ACTIVE', endedAt: null, event: { id: run.breached.id, status: 'ROUTED' } });
    expect(running.variables).toEqual(Object.fromEntries(variables.map((v) => [v.name, v.value])));
    expect(running.variables).toMatchObject({ eventId: run.breached.id, category: 'illegal_vending', escalated: true });
    expect(running.activeElements).toContain('Task_HandleInDepartment');
    const records = await sql<{ position: string }>('select position::text as position from engine.record where process_instance_key = $1 order by position', [run.breached.pik]);
    expect(running.history.map((r) => r.position)).toEqual(records.map((r) => r.position));
    expect(running.history).toContainEqual({ position: expect.any(String), at: expect.any(String), valueType: 'PROCESS_INSTANCE', intent: 'ELEMENT_ACTIVATED', elementId: 'Task_HandleInDepartment', elementType: 'USER_TASK' });
    expect(running.startedAt).toBe((await sql<{ at: Date }>('select min(created_at) as at from engine.record where process_instance_key = $1', [run.breached.pik]))[0].at.toISOString());

    // Ended: its variables are the record log's last word on each.
    const { processInstance: done } = await manager.request<{ processInstance: Instance }>(INSTANCE, { key: run.closed.pik });
    expect(done).toMatchObject({ state: 'COMPLETED', activeElements: [], incidents: [], event: { id: run.closed.id, status: 'CLOSED' } });
    expect(done.endedAt).not.toBeNull();
    expect(done.variables).toMatchObject({ eventId: run.closed.id, collectOutcome: 'ACCEPTED', feedback: { satisfied: true, score: 5 } });
    expect(done.history.at(-1)).toMatchObject({ valueType: 'PROCESS_INSTANCE', intent: 'ELEMENT_COMPLETED', elementId: 'grid-event', elementType: 'PROCESS' });

    const { processInstance: none } = await manager.request<{ processInstance: Instance | null }>(INSTANCE, { key: '1' });
    expect(none).toBeNull();
    expect(await apiError(manager.request(INSTANCE, { key: 'abc' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'key' });
  });

  test('incidents: the failing department\'s, with its job and event; retried after the department recovers, the instance goes on', async () => {
    const manager = await h.as(CITY_MANAGER);
    type Incidents = { incidents: { edges: { node: Record<string, unknown> & { key: string } }[]; pageInfo: { hasNextPage: boolean } } };
    const { incidents } = await manager.request<Incidents>(INCIDENTS, {});
    const [engineIncident] = await h.grid.te.incidents(run.failing.pik);
    expect(incidents.edges.map((edge) => edge.node)).toEqual([{
      key: engineIncident.key, processInstanceKey: run.failing.pik, bpmnProcessId: 'grid-event', elementId: 'Task_NotifyDepartment',
      elementInstanceKey: engineIncident.elementInstanceKey, jobKey: engineIncident.jobKey, errorType: 'JOB_NO_RETRIES',
      errorMessage: engineIncident.errorMessage, createdAt: expect.any(String), event: { id: run.failing.id },
    }]);
    expect(engineIncident.errorMessage).toContain('department roads unavailable');
    expect((await manager.request<Incidents>(INCIDENTS, { pik: run.breached.pik })).incidents.edges).toEqual([]);
    const { processInstance } = await manager.request<{ processInstance: { incidents: { key: string; elementId: string }[] } }>(INSTANCE, { key: run.failing.pik });
    expect(processInstance.incidents).toEqual([{ key: engineIncident.key, elementId: 'Task_NotifyDepartment' }]);

    run.roads.behaviour = answer(201, { ticket: 'R-1' });
    expect(await manager.request(RETRY, { key: engineIncident.key })).toEqual({ retryIncident: true });
    await activeAt(run.failing.pik, 'Task_HandleInDepartment');
    expect(await h.grid.te.incidents(run.failing.pik)).toEqual([]);
    expect(run.roads.acted.size).toBe(1);
    expect((await manager.request<Incidents>(INCIDENTS, {})).incidents.edges).toEqual([]);
    expect(await apiError(manager.request(RETRY, { key: engineIncident.key }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  test('cancelProcessInstance terminates the instance through the gateway', async () => {
    const admin = await h.as(ADMIN);
    expect(await admin.request(CANCEL, { key: run.cancelled.pik })).toEqual({ cancelProcessInstance: true });
    // The user task's canceling listener (the task list's) runs before the instance is terminated, as in Zeebe 8.8.
    const processInstance = await eventually(async () => {
      const { processInstance: now } = await admin.request<{ processInstance: { state: string; activeElements: string[]; endedAt: string | null } }>(INSTANCE, { key: run.cancelled.pik });
      return now.state === 'TERMINATED' ? now : undefined;
    }, { what: 'the instance to be terminated' });
    expect(processInstance).toMatchObject({ state: 'TERMINATED', activeElements: [] });
    expect(processInstance.endedAt).not.toBeNull();
    const { process } = await admin.request<{ process: { instances: { edges: { node: { key: string } }[] } } }>(INSTANCES, { state: 'TERMINATED', first: 10, after: null });
    expect(process.instances.edges.map((edge) => edge.node.key)).toEqual([run.cancelled.pik]);
    expect(await apiError(admin.request(CANCEL, { key: run.cancelled.pik }))).toMatchObject({ code: 'NOT_FOUND' });
  });
});

interface EventFacts {
  readonly id: string;
  readonly status: string;
  readonly category: string;
  readonly lead: string | null;
  readonly day: string;
  readonly accepted: boolean;
  readonly handlingSeconds: number | null;
  readonly breached: boolean;
  readonly answers: (boolean | null)[];
}

/** Every event and its feedback rounds, read plainly; the KPIs are worked out from these below. */
async function eventFacts(): Promise<EventFacts[]> {
  const rows = await sql<{ id: string; status: string; category: string; departments: string[]; reported_at: Date; accepted_at: Date | null; closed_at: Date | null; breached_at: Date | null }>(
    'select id::text as id, status, category, departments, reported_at, accepted_at, closed_at, breached_at from public.grid_event order by id',
  );
  const feedback = await sql<{ event_id: string; satisfied: boolean | null }>('select event_id::text as event_id, satisfied from public.feedback');
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    category: row.category,
    lead: row.departments[0] ?? null,
    day: row.reported_at.toISOString().slice(0, 10),
    accepted: row.accepted_at !== null,
    handlingSeconds: row.closed_at === null ? null : (row.closed_at.getTime() - row.reported_at.getTime()) / 1000,
    breached: row.breached_at !== null,
    answers: feedback.filter((f) => f.event_id === row.id).map((f) => f.satisfied),
  }));
}

/** The Kpis type's definitions, by hand; p90 as percentile_cont does it (linear between the closest ranks). */
function expectedKpis(events: readonly EventFacts[]) {
  const merged = events.filter((e) => e.status === 'MERGED').length;
  const accepted = events.filter((e) => e.accepted && e.status !== 'MERGED' && e.status !== 'REJECTED').length;
  const handling = events.flatMap((e) => (e.handlingSeconds === null ? [] : [e.handlingSeconds])).sort((a, b) => a - b);
  const answers = events.flatMap((e) => e.answers).filter((a) => a !== null);
  const rank = 0.9 * (handling.length - 1);
  const below = handling[Math.floor(rank)];
  const above = handling[Math.ceil(rank)];
  const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);
  return {
    reported: events.length,
    accepted,
    closed: handling.length,
    merged,
    acceptanceRate: ratio(accepted, events.length - merged),
    completionRate: ratio(handling.length, accepted),
    satisfactionRate: ratio(answers.filter((a) => a).length, answers.length),
    feedbackCount: answers.length,
    averageHandlingSeconds: handling.length === 0 ? null : handling.reduce((a, b) => a + b, 0) / handling.length,
    p90HandlingSeconds: below === undefined || above === undefined ? null : below + (above - below) * (rank - Math.floor(rank)),
    breaches: events.filter((e) => e.breached).length,
  };
}

type Kpis = ReturnType<typeof expectedKpis>;
interface StatsData { stats: { kpis: Kpis; by: { key: string; kpis: Kpis }[] } }

function expectKpis(actual: Kpis, expected: Kpis): void {
  const { averageHandlingSeconds, p90HandlingSeconds, ...counts } = expected;
  expect(actual).toMatchObject(counts);
  for (const [value, want] of [[actual.averageHandlingSeconds, averageHandlingSeconds], [actual.p90HandlingSeconds, p90HandlingSeconds]] as const) {
    if (want === null) expect(value).toBeNull();
    else expect(value).toBeCloseTo(want, 2);
  }
}

function groupsOf(events: readonly EventFacts[], keyOf: (e: EventFacts) => string | null): Map<string, EventFacts[]> {
  const groups = new Map<string, EventFacts[]>();
  for (const event of events) {
    const key = keyOf(event);
    if (key !== null) groups.set(key, [...(groups.get(key) ?? []), event]);
  }
  return groups;
}

describe('SLA breaches and KPIs', () => {
  test('slaBreaches: the breached event, with filters and a keyset cursor', async () => {
    const manager = await h.as(CITY_MANAGER);
    type Breaches = { slaBreaches: { edges: { node: Record<string, unknown> & { overdueSeconds: number } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const { slaBreaches } = await manager.request<Breaches>(BREACHES, {});
    const [event] = await sql<{ sla_due_at: Date; breached_at: Date }>('select sla_due_at, breached_at from public.grid_event where breached_at is not null');
    expect(slaBreaches.edges.map((edge) => edge.node)).toEqual([{
      event: { id: run.breached.id }, breachedAt: event.breached_at.toISOString(), slaDueAt: event.sla_due_at.toISOString(), overdueSeconds: expect.any(Number),
      open: true, departments: [{ code: 'urban_management' }], grid: { code: GRIDS[1] }, category: 'illegal_vending',
    }]);
    const overdue = (Date.now() - event.sla_due_at.getTime()) / 1000;
    expect(Math.abs(slaBreaches.edges[0].node.overdueSeconds - overdue)).toBeLessThan(5);

    const count = async (filter: Record<string, unknown>) => (await manager.request<Breaches>(BREACHES, { filter })).slaBreaches.edges.length;
    expect(await count({ department: 'urban_management', grid: GRIDS[1], category: 'illegal_vending', open: true, minOverdueHours: 0 })).toBe(1);
    expect(await count({ department: 'roads' })).toBe(0);
    expect(await count({ grid: GRIDS[0] })).toBe(0);
    expect(await count({ category: 'road_damage' })).toBe(0);
    expect(await count({ open: false })).toBe(0);
    expect(await count({ minOverdueHours: 1 })).toBe(0);

    const first = (await manager.request<Breaches>(BREACHES, { first: 1 })).slaBreaches;
    expect(first.pageInfo.hasNextPage).toBe(false);
    expect((await manager.request<Breaches>(BREACHES, { first: 1, after: first.pageInfo.endCursor })).slaBreaches.edges).toEqual([]);
    expect(await apiError(manager.request(BREACHES, { filter: { minOverdueHours: -1 } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.minOverdueHours' });
    expect(await apiError(manager.request(BREACHES, { first: 0 }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(await apiError(manager.request(BREACHES, { after: 'not-a-cursor' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  test('stats: the KPIs and their groups equal figures worked out from the same events', async () => {
    const manager = await h.as(CITY_MANAGER);
    const events = await eventFacts();
    // What the script did: five reports, one merged, one closed with a satisfied answer, one breach.
    expect(expectedKpis(events)).toMatchObject({ reported: 5, merged: 1, accepted: 4, closed: 1, feedbackCount: 1, satisfactionRate: 1, breaches: 1, acceptanceRate: 1, completionRate: 0.25 });

    const dimensions: [string, (e: EventFacts) => string | null][] = [['DEPARTMENT', (e) => e.lead], ['CATEGORY', (e) => e.category], ['DAY', (e) => e.day]];
    for (const [dimension, keyOf] of dimensions) {
      const { stats } = await manager.request<StatsData>(STATS, { dimension });
      expectKpis(stats.kpis, expectedKpis(events));
      const groups = groupsOf(events, keyOf);
      expect(stats.by.map((group) => group.key).sort()).toEqual([...groups.keys()].sort());
      for (const group of stats.by) expectKpis(group.kpis, expectedKpis(groups.get(group.key)!));
      if (dimension !== 'DAY') expect(stats.by.map((group) => group.kpis.reported)).toEqual([...stats.by.map((group) => group.kpis.reported)].sort((a, b) => b - a));
    }
    const { stats: top } = await manager.request<StatsData>(STATS, { dimension: 'DEPARTMENT', first: 1 });
    expect(top.by).toHaveLength(1);
    expect(top.by[0].key).toBe('urban_management');

    // A filter narrows both the KPIs and the groups: by category, by lead department, by time.
    const { stats: vending } = await manager.request<StatsData>(STATS, { filter: { category: 'illegal_vending' }, dimension: 'CATEGORY' });
    expectKpis(vending.kpis, expectedKpis(events.filter((e) => e.category === 'illegal_vending')));
    expect(vending.by.map((group) => group.key)).toEqual(['illegal_vending']);
    const { stats: roads } = await manager.request<StatsData>(STATS, { filter: { department: 'roads' }, dimension: 'DEPARTMENT' });
    expectKpis(roads.kpis, expectedKpis(events.filter((e) => e.lead === 'roads')));
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const { stats: none } = await manager.request<StatsData>(STATS, { filter: { from: future }, dimension: 'DAY' });
    expect(none.kpis).toMatchObject({ reported: 0, acceptanceRate: null, completionRate: null, satisfactionRate: null, averageHandlingSeconds: null, p90HandlingSeconds: null });
    expect(none.by).toEqual([]);

    expect(await apiError(manager.request(STATS, { filter: { from: future, to: future }, dimension: 'DAY' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.from' });
    expect(await apiError(manager.request(STATS, { dimension: 'DAY', first: 0 }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const keysOnly = gql`query { stats { by(dimension: DAY, first: 400) { key } } }`;
    expect(await apiError(manager.request(keysOnly))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  test('a department\'s manager reads only their department\'s breaches and figures', async () => {
    const departmentManager = await h.as(DEPARTMENT_MANAGER);
    const events = await eventFacts();
    const { stats } = await departmentManager.request<StatsData>(STATS, { dimension: 'DEPARTMENT' });
    expectKpis(stats.kpis, expectedKpis(events.filter((e) => e.lead === 'urban_management')));
    expect(stats.by.map((group) => group.key)).toEqual(['urban_management']);
    const { stats: explicit } = await departmentManager.request<StatsData>(STATS, { filter: { department: 'urban_management' }, dimension: 'CATEGORY' });
    expect(explicit.kpis).toEqual(stats.kpis);
    expect(await apiError(departmentManager.request(STATS, { filter: { department: 'roads' }, dimension: 'DAY' }))).toMatchObject({ code: 'FORBIDDEN' });

    const { slaBreaches } = await departmentManager.request<{ slaBreaches: { edges: { node: { event: { id: string } } }[] } }>(BREACHES, {});
    expect(slaBreaches.edges.map((edge) => edge.node.event.id)).toEqual([run.breached.id]);
    expect(await apiError(departmentManager.request(BREACHES, { filter: { department: 'roads' } }))).toMatchObject({ code: 'FORBIDDEN' });
    const roadsManager = await h.as('manager-roads');
    expect((await roadsManager.request<{ slaBreaches: { edges: unknown[] } }>(BREACHES, {})).slaBreaches.edges).toEqual([]);
  });
});

describe('who may', () => {
  const operations: [string, string, Record<string, unknown>][] = [
    ['processes', PROCESSES, {}],
    ['process', PROCESS, { id: 'grid-event' }],
    ['processInstance', INSTANCE, { key: '1' }],
    ['incidents', INCIDENTS, {}],
    ['retryIncident', RETRY, { key: '1' }],
    ['cancelProcessInstance', CANCEL, { key: '1' }],
    ['slaBreaches', BREACHES, {}],
    ['stats', STATS, { dimension: 'DAY' }],
  ];

  test.each([CLERK, CITIZEN, `gw-${GRIDS[0]}`])('%s is refused every managers\' operation', async (personCode) => {
    const client: GraphQLClient = await h.as(personCode);
    for (const [name, query, variables] of operations) {
      expect({ name, ...(await apiError(client.request(query, variables))) }).toMatchObject({ name, code: 'FORBIDDEN' });
    }
  });

  test('a department\'s manager is refused the process monitor', async () => {
    const client = await h.as(DEPARTMENT_MANAGER);
    for (const [name, query, variables] of operations.slice(0, 6)) {
      expect({ name, ...(await apiError(client.request(query, variables))) }).toMatchObject({ name, code: 'FORBIDDEN' });
    }
  });

  test('without a token: UNAUTHENTICATED', async () => {
    const anonymous = new GraphQLClient(h.url);
    expect(await apiError(anonymous.request(PROCESSES))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await apiError(anonymous.request(STATS, { dimension: 'DAY' }))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
