/**
 * The GraphQL API's reading side and its errors, against the real service:
 * a page of tasks costs a fixed handful of SQL statements whatever its size
 * (DataLoader), every error carries its stable code, and the depth and cost
 * limits hold.
 */
import { createHash } from 'node:crypto';
import { gql, GraphQLClient } from 'graphql-request';
import type { QueryResultRow } from 'pg';
import type { Queryable } from '../db/queryable';
import { DEFAULTS } from '../config/config';
import { apiMetrics, createMetrics, createOpsRouter, sampleValue } from '../metrics';
import { apiError, useApiHarness } from './api-harness';

jest.setTimeout(60_000);

/** Counts the statements the API sends while `counting` is on. */
const statements: string[] = [];
let counting = false;
const countingDb = (pool: Queryable): Queryable => ({
  query<R extends QueryResultRow>(text: string, values?: readonly unknown[]) {
    if (counting) statements.push(text);
    return pool.query<R>(text, values);
  },
});

const metrics = createMetrics({ processMetrics: false });
const h = useApiHarness({
  db: countingDb,
  observer: apiMetrics(metrics.api),
  routes: [{ path: '/', handler: createOpsRouter({ registry: metrics.registry, checks: [] }) }],
});
const DEPARTMENT = 'sanitation';
const CLERK = 'clerk-sanitation-001';
const GRID_CODE = 'D01S01C01G01';

/** Open tasks of the department, each on an event of its own in a different grid, as the task list would have listed them. */
async function seedQueue(count: number): Promise<void> {
  await h.grid.te.pool.query(
    `with grids as (select code, row_number() over (order by code) as n from public.grid order by code limit $1),
          events as (
            insert into public.grid_event (source, category, description, severity, lon, lat, grid_code, status, level, departments)
            select 'citizen_app', 'garbage', 'overflowing bin ' || n, 'medium', 118.6, 31.9, code, 'ROUTED', 'DEPARTMENT', array[$2]
              from grids
            returning id, grid_code)
     insert into public.task (job_key, process_instance_key, element_id, element_instance_key, name, event_id, candidate_groups, priority, form_key, state, lease_expires_at)
     select 900000000 + e.id, 800000000 + e.id, 'Task_HandleInDepartment', 700000000 + e.id, 'Handle in department', e.id, array[$2], 50, 'grid-dispatch-handle', 'CREATED',
            -- leased well ahead: the task list's reconciler has no engine job to ask about
            now() + interval '7 days'
       from events e`,
    [count, DEPARTMENT],
  );
  await h.grid.te.pool.query(
    `insert into public.grid_event_transition (event_id, from_status, to_status, note)
     select id, 'ACCEPTED', 'ROUTED', 'assigned to department ' || $1 from public.grid_event where departments = array[$1]`,
    [DEPARTMENT],
  );
}

const PAGE = gql`
  query Page($first: Int) {
    tasks(first: $first, filter: { candidateGroup: "${DEPARTMENT}" }) {
      edges { node { id name priority breached event { id category grid { code name worker { code name } } departments { code } timeline { toStatus } attachments { id } feedback { satisfied } } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

interface PageData { tasks: { edges: { node: { id: string; event: { grid: { code: string; worker: { code: string } } } } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }

async function countStatements(client: GraphQLClient, first: number): Promise<{ count: number; data: PageData }> {
  statements.length = 0;
  counting = true;
  try {
    const data = await client.request<PageData>(PAGE, { first });
    return { count: statements.length, data };
  } finally {
    counting = false;
  }
}

beforeAll(() => seedQueue(60));

test('a page of 50 tasks with their events, grids, workers and timelines costs the same few statements as a page of 5', async () => {
  const clerk = await h.as(CLERK);
  const small = await countStatements(clerk, 5);
  const large = await countStatements(clerk, 50);
  expect(large.data.tasks.edges).toHaveLength(50);
  expect(new Set(large.data.tasks.edges.map((e) => e.node.event.grid.code)).size).toBe(50);
  expect(large.data.tasks.edges.every((e) => e.node.event.grid.worker.code === `gw-${e.node.event.grid.code}`)).toBe(true);
  // page, events, grids, workers, departments, timelines, attachments, feedback
  expect(large.count).toBeLessThanOrEqual(8);
  expect(large.count).toBe(small.count);
});

test('pages follow each other without overlap until the queue ends', async () => {
  const clerk = await h.as(CLERK);
  const seen: string[] = [];
  let after: string | null = null;
  for (;;) {
    const { tasks }: { tasks: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await clerk.request(
      gql`query Next($after: String) { tasks(first: 25, after: $after, filter: { candidateGroup: "${DEPARTMENT}" }) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    seen.push(...tasks.edges.map((e) => e.node.id));
    if (!tasks.pageInfo.hasNextPage) break;
    after = tasks.pageInfo.endCursor;
  }
  expect(seen).toHaveLength(60);
  expect(new Set(seen).size).toBe(60);
});

describe('errors carry stable codes', () => {
  test('no token, or a bad one: UNAUTHENTICATED', async () => {
    expect(await apiError(new GraphQLClient(h.url).request('{ me { code } }'))).toMatchObject({ code: 'UNAUTHENTICATED' });
    const forged = new GraphQLClient(h.url, { headers: { authorization: 'Bearer not.a.token' } });
    expect(await apiError(forged.request('{ me { code } }'))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  test('bad arguments: BAD_USER_INPUT naming the field', async () => {
    const clerk = await h.as(CLERK);
    expect(await apiError(clerk.request('{ tasks(first: 0) { edges { cursor } } }'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(await apiError(clerk.request('{ tasks(after: "garbage") { edges { cursor } } }'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(await apiError(clerk.request('{ event(id: "twelve") { id } }'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  test('a report outside the city is refused naming the location, and nothing is stored', async () => {
    const citizen = await h.as('citizen-000002');
    const before = await h.grid.te.pool.query('select count(*)::int as n from public.grid_event');
    const error = await apiError(
      citizen.request(gql`mutation { reportEvent(input: { category: "garbage", description: "bins", severity: LOW, lon: 0, lat: 0 }) { id } }`),
    );
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'location' });
    expect((await h.grid.te.pool.query('select count(*)::int as n from public.grid_event')).rows).toEqual(before.rows);
  });

  test('text holding U+0000, which PostgreSQL cannot store, is BAD_USER_INPUT naming the variable, and nothing is stored', async () => {
    const citizen = await h.as('citizen-000002');
    const count = async () => (await h.grid.te.pool.query<{ n: number }>('select count(*)::int as n from public.grid_event')).rows;
    const before = await count();
    const report = gql`mutation R($input: ReportEventInput!) { reportEvent(input: $input) { id } }`;
    const input = { category: 'garbage', description: 'bins\u0000overflowing', severity: 'LOW', lon: 118.6, lat: 31.9 };
    expect(await apiError(citizen.request(report, { input }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.description',
      message: 'variable input.description contains the character U+0000, which cannot be stored; remove it',
    });
    const literal = 'mutation { reportEvent(input: { category: "garbage", description: "bins\\u0000", severity: LOW, lon: 118.6, lat: 31.9 }) { id } }';
    expect(await apiError(citizen.request(literal))).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'a string in the document contains the character U+0000, which cannot be stored; remove it',
    });
    expect(await count()).toEqual(before);
  });

  test('an event outside your scope is NOT_FOUND, the same as one that does not exist', async () => {
    const other = await h.as('citizen-000003');
    const { rows } = await h.grid.te.pool.query<{ id: string }>(`select id::text from public.grid_event where departments = array[$1] limit 1`, [DEPARTMENT]);
    expect(await apiError(other.request('query E($id: ID!) { event(id: $id) { id } }', { id: rows[0].id }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await apiError(other.request('{ event(id: "999999999") { id } }'))).toMatchObject({ code: 'NOT_FOUND' });
  });

  test('/metrics counts each error under the code the client got', async () => {
    const scrape = async (): Promise<string> => (await fetch(`${h.origin}/metrics`)).text();
    const clerk = await h.as(CLERK);
    const before = await scrape();
    expect(await apiError(clerk.request('{ event(id: "999999999") { id } }'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await apiError(clerk.request('{ tasks(first: 0) { edges { cursor } } }'))).toMatchObject({ code: 'BAD_USER_INPUT' });
    const after = await scrape();
    const moved = (code: string): number =>
      sampleValue(after, 'grid_dispatch_graphql_errors_total', { code }) - sampleValue(before, 'grid_dispatch_graphql_errors_total', { code });
    expect({ NOT_FOUND: moved('NOT_FOUND'), BAD_USER_INPUT: moved('BAD_USER_INPUT'), INTERNAL_SERVER_ERROR: moved('INTERNAL_SERVER_ERROR') }).toEqual({
      NOT_FOUND: 1,
      BAD_USER_INPUT: 1,
      INTERNAL_SERVER_ERROR: 0,
    });
  });

  test('a grid worker sees their grid', async () => {
    const worker = await h.as(`gw-${GRID_CODE}`);
    const { me } = await worker.request<{ me: { code: string; role: string; grid: { code: string } } }>('{ me { code role grid { code } } }');
    expect(me).toEqual({ code: `gw-${GRID_CODE}`, role: 'GRID_WORKER', grid: { code: GRID_CODE } });
  });
});

test('in development the schema answers introspection (production refuses it: api-production.test.ts)', async () => {
  const clerk = await h.as(CLERK);
  const { __type } = await clerk.request<{ __type: { fields: { name: string }[] } }>('{ __type(name: "Task") { fields { name } } }');
  expect(__type.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['id', 'candidateGroups', 'assignee', 'event']));
});

const MAX_DEPTH = DEFAULTS.queryLimits.maxDepth;

describe('limits', () => {
  test(`a query deeper than ${MAX_DEPTH} levels is refused before it runs`, async () => {
    const clerk = await h.as(CLERK);
    let selection = 'id';
    for (let i = 0; i < MAX_DEPTH; i++) selection = `duplicateOf { ${selection} }`;
    counting = true;
    statements.length = 0;
    const error = await apiError(clerk.request(`{ events(first: 1) { edges { node { ${selection} } } } }`)).finally(() => (counting = false));
    expect(error.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(statements).toHaveLength(0);
  });

  test('a query whose estimated cost is over the limit is refused before it runs', async () => {
    const clerk = await h.as(CLERK);
    const nested = 'event { timeline { note } attachments { id } feedback { score } tasks { event { timeline { note } } } }';
    counting = true;
    statements.length = 0;
    const error = await apiError(clerk.request(`{ tasks(first: 100) { edges { node { ${nested} } } } }`)).finally(() => (counting = false));
    expect(error.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(error.message).toMatch(/cost/);
    expect(statements).toHaveLength(0);
  });
});

describe('automatic persisted queries', () => {
  /** A POST as Apollo's APQ link sends it: the query's hash, and the query itself only when told it is unknown. */
  async function post(token: string, body: object): Promise<{ data?: unknown; errors?: { extensions?: { code?: string } }[] }> {
    const response = await fetch(h.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  }

  test('an unknown hash is PERSISTED_QUERY_NOT_FOUND, so the client sends the query, after which the hash alone is enough', async () => {
    const token = await h.token(CLERK);
    const query = `{ me { code } } # apq ${Date.now()}`;
    const extensions = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };

    const unknown = await post(token, { extensions });
    expect(unknown.errors?.map((error) => error.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);

    expect(await post(token, { query, extensions })).toEqual({ data: { me: { code: CLERK } } });
    expect(await post(token, { extensions })).toEqual({ data: { me: { code: CLERK } } });
  });

  test('a hash that does not match the query sent with it is Apollo\'s BAD_REQUEST', async () => {
    const token = await h.token(CLERK);
    const answer = await post(token, { query: '{ me { code } }', extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } });
    expect(answer.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_REQUEST']);
  });
});
