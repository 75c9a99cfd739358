/**
 * The managers' operations where no database is needed to judge them: who
 * may ask, the engine views against a Camunda 8 cluster (UNAVAILABLE), the
 * gateway commands and how Zeebe's refusals come back, and bad filters.
 */
import { status } from '@grpc/grpc-js';
import { graphql, type GraphQLError } from 'graphql';
import type { Viewer } from '../auth/viewer';
import type { ApiContext, ApiServices } from '../context';
import type { Queryable } from '../../db/queryable';
import { publicExtensions } from '../errors';
import { createLoaders } from '../loaders';
import { buildSchema } from '.';

const schema = buildSchema();
const CITY_MANAGER: Viewer = { role: 'manager', personCode: 'manager-city-1', departmentCode: null };
const DEPARTMENT_MANAGER: Viewer = { role: 'manager', personCode: 'manager-roads', departmentCode: 'roads' };

const noDatabase: Queryable = {
  query: () => Promise.reject(new Error('no statement may run in these tests')),
};

interface GatewayCall { readonly method: string; readonly request: unknown }

function contextFor(viewer: Viewer, gatewayAnswer: (method: string) => Promise<void> = () => Promise.resolve()) {
  const calls: GatewayCall[] = [];
  const gateway = (method: string) => (request: unknown) => {
    calls.push({ method, request });
    return gatewayAnswer(method);
  };
  const zeebe = {
    updateJobRetries: gateway('updateJobRetries'),
    resolveIncident: gateway('resolveIncident'),
    cancelProcessInstance: gateway('cancelProcessInstance'),
  };
  const services = { db: noDatabase, embeddedEngine: false, zeebe } as unknown as ApiServices;
  const context: ApiContext = { viewer, services, db: noDatabase, em: {} as ApiContext['em'], loaders: createLoaders(noDatabase) };
  return { context, calls };
}

async function run(context: ApiContext, source: string) {
  const result = await graphql({ schema, source, contextValue: context });
  const errors = (result.errors ?? []).map((error: GraphQLError) => publicExtensions(error.originalError ?? error) ?? { code: 'INTERNAL', message: error.message });
  return { data: result.data, errors };
}

const grpcFailure = (code: number) => Object.assign(new Error(`gRPC ${code}`), { code, details: `refused with ${code}` });

describe('against a Camunda 8 cluster (no engine tables here)', () => {
  test.each(['{ processes { bpmnProcessId } }', '{ process(bpmnProcessId: "grid-event") { version } }', '{ processInstance(key: "1") { key } }', '{ incidents { edges { cursor } } }'])(
    '%s is UNAVAILABLE for a city manager, FORBIDDEN for a department manager',
    async (query) => {
      expect((await run(contextFor(CITY_MANAGER).context, query)).errors).toEqual([{ code: 'UNAVAILABLE' }]);
      expect((await run(contextFor(DEPARTMENT_MANAGER).context, query)).errors).toEqual([{ code: 'FORBIDDEN' }]);
    },
  );

  test('retryIncident goes through the gateway: the job named by the caller gets its retries, then the incident is resolved', async () => {
    const { context, calls } = contextFor(CITY_MANAGER);
    const { data, errors } = await run(context, 'mutation { retryIncident(key: "2251799813685300", retries: 4, jobKey: "2251799813685299") }');
    expect(errors).toEqual([]);
    expect(data).toEqual({ retryIncident: true });
    expect(calls).toEqual([
      { method: 'updateJobRetries', request: { jobKey: '2251799813685299', retries: 4 } },
      { method: 'resolveIncident', request: { incidentKey: '2251799813685300' } },
    ]);
  });

  test('without a job key only the incident is resolved', async () => {
    const { context, calls } = contextFor(CITY_MANAGER);
    expect((await run(context, 'mutation { retryIncident(key: "7") }')).data).toEqual({ retryIncident: true });
    expect(calls.map((call) => call.method)).toEqual(['resolveIncident']);
  });

  test('the gateway\'s NOT_FOUND is NOT_FOUND, FAILED_PRECONDITION is CONFLICT, anything else stays internal', async () => {
    const answering = (code: number) => contextFor(CITY_MANAGER, () => Promise.reject(grpcFailure(code))).context;
    expect((await run(answering(status.NOT_FOUND), 'mutation { cancelProcessInstance(key: "9") }')).errors).toEqual([{ code: 'NOT_FOUND' }]);
    expect((await run(answering(status.NOT_FOUND), 'mutation { retryIncident(key: "9") }')).errors).toEqual([{ code: 'NOT_FOUND' }]);
    expect((await run(answering(status.FAILED_PRECONDITION), 'mutation { retryIncident(key: "9") }')).errors).toEqual([{ code: 'CONFLICT' }]);
    expect((await run(answering(status.UNAVAILABLE), 'mutation { cancelProcessInstance(key: "9") }')).errors).toEqual([{ code: 'INTERNAL', message: 'gRPC 14' }]);
  });

  test('bad keys and retries are the caller\'s mistake, named', async () => {
    const { context, calls } = contextFor(CITY_MANAGER);
    expect((await run(context, 'mutation { retryIncident(key: "x1") }')).errors).toEqual([{ code: 'BAD_USER_INPUT', field: 'key' }]);
    expect((await run(context, 'mutation { retryIncident(key: "1", retries: 0) }')).errors).toEqual([{ code: 'BAD_USER_INPUT', field: 'retries' }]);
    expect((await run(context, 'mutation { retryIncident(key: "1", jobKey: "-3") }')).errors).toEqual([{ code: 'BAD_USER_INPUT', field: 'jobKey' }]);
    expect((await run(context, 'mutation { cancelProcessInstance(key: "") }')).errors).toEqual([{ code: 'BAD_USER_INPUT', field: 'key' }]);
    expect(calls).toEqual([]);
  });

  test('a department manager may not retry or cancel', async () => {
    const { context, calls } = contextFor(DEPARTMENT_MANAGER);
    expect((await run(context, 'mutation { retryIncident(key: "1") }')).errors).toEqual([{ code: 'FORBIDDEN' }]);
    expect((await run(context, 'mutation { cancelProcessInstance(key: "1") }')).errors).toEqual([{ code: 'FORBIDDEN' }]);
    expect(calls).toEqual([]);
  });
});

describe('breach and KPI filters', () => {
  test('from must be before to', async () => {
    const { context } = contextFor(CITY_MANAGER);
    const query = '{ stats(filter: { from: "2026-11-02T00:00:00Z", to: "2026-11-01T00:00:00Z" }) { kpis { reported } } }';
    expect((await run(context, query)).errors).toEqual([{ code: 'BAD_USER_INPUT', field: 'filter.from' }]);
  });

  test('minOverdueHours may not be negative; first stays within a page', async () => {
    const { context } = contextFor(CITY_MANAGER);
    expect((await run(context, '{ slaBreaches(filter: { minOverdueHours: -0.5 }) { edges { cursor } } }')).errors).toEqual([{ code: 'BAD_USER_INPUT', field: 'filter.minOverdueHours' }]);
    expect((await run(context, '{ slaBreaches(first: 101) { edges { cursor } } }')).errors).toEqual([{ code: 'BAD_USER_INPUT', field: 'first' }]);
  });

  test('a department manager is confined before anything is read', async () => {
    const { context } = contextFor(DEPARTMENT_MANAGER);
    expect((await run(context, '{ stats(filter: { department: "sanitation" }) { kpis { reported } } }')).errors).toEqual([{ code: 'FORBIDDEN' }]);
    expect((await run(context, '{ slaBreaches(filter: { department: "sanitation" }) { edges { cursor } } }')).errors).toEqual([{ code: 'FORBIDDEN' }]);
  });

  test('clerks, grid workers and citizens are refused', async () => {
    const viewers: Viewer[] = [
      { role: 'clerk', personCode: 'clerk-roads-001', departmentCode: 'roads' },
      { role: 'grid_worker', personCode: 'gw-D01S01C01G01', gridCode: 'D01S01C01G01' },
      { role: 'citizen', personCode: 'citizen-000001' },
    ];
    for (const viewer of viewers) {
      const { context } = contextFor(viewer);
      expect((await run(context, '{ stats { kpis { reported } } }')).errors).toEqual([{ code: 'FORBIDDEN' }]);
      expect((await run(context, '{ slaBreaches { edges { cursor } } }')).errors).toEqual([{ code: 'FORBIDDEN' }]);
    }
  });
});
