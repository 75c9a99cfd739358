/**
 * The grid harness with the task list and the HTTP API as the service runs
 * it for managers: GraphQL at /graphql and the monitor page at /monitor on one
 * loopback port, plus a headless Chromium (Debian's, driven by
 * playwright-core) to look at it.
 */
import { chromium, type Browser } from 'playwright-core';
import { GraphQLClient } from 'graphql-request';
import { createLogger } from '../config/logger';
import { findViewer } from '../graphql/auth/find-viewer';
import { signDevelopmentToken } from '../graphql/auth/sign-token';
import { createTokenVerifier } from '../graphql/auth/verify-token';
import { startApiServer, type ApiServer } from '../graphql/start-api';
import { startTaskList, type RunningTaskList } from '../tasks/start-task-list';
import { monitorRouter } from '../web/monitor-router';
import { AUTH } from './api-harness';
import { useGridHarness, type GridHarness } from './grid-harness';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface MonitorHarness {
  readonly grid: GridHarness;
  readonly api: ApiServer;
  readonly browser: Browser;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  token(personCode: string): Promise<string>;
  /** A GraphQL-over-HTTP client acting as the person. */
  as(personCode: string): Promise<GraphQLClient>;
}

export function useMonitorHarness(): MonitorHarness {
  let api: ApiServer | undefined;
  let taskList: RunningTaskList | undefined;
  let browser: Browser | undefined;
  const logger = createLogger((process.env.API_TEST_LOG ?? 'silent') as 'silent');

  const grid = useGridHarness({
    async start(h) {
      taskList = await startTaskList({ zeebe: h.zbc, pool: h.te.pool, logger, longPollMs: 1_000, reconcileIntervalMs: 500, recheckMs: 1_000 });
      api = await startApiServer({
        host: '127.0.0.1',
        port: 0,
        services: { db: h.te.pool, em: h.orm.em, intake: h.intake, tasks: taskList.service, taskChanges: taskList.changes, zeebe: h.zbc, embeddedEngine: true, logger },
        verifier: createTokenVerifier(AUTH),
        logger,
        production: false,
        routes: [{ path: '/monitor', handler: monitorRouter() }],
      });
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        // Nothing beyond 127.0.0.1: no component updates, no safe-browsing lists.
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
    },
    async stop() {
      await browser?.close();
      await api?.stop();
      await taskList?.stop();
    },
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the monitor harness is not started yet: use it inside tests or hooks');
    return value;
  };
  const harness: MonitorHarness = {
    grid,
    get api() { return started(api); },
    get browser() { return started(browser); },
    get origin() { return `http://127.0.0.1:${started(api).port}`; },
    async token(personCode) {
      const client = await grid.te.pool.connect();
      try {
        return await signDevelopmentToken(AUTH, await findViewer(client, personCode));
      } finally {
        client.release();
      }
    },
    async as(personCode) {
      return new GraphQLClient(`${harness.origin}/graphql`, { headers: { authorization: `Bearer ${await harness.token(personCode)}` } });
    },
  };
  return harness;
}
