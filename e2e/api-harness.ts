/**
 * The grid harness plus what people use: the task list and the GraphQL API
 * on a free loopback port, and real GraphQL clients — graphql-request over
 * HTTP and graphql-ws over WebSocket — holding development tokens of the
 * seeded city's people.
 */
import { ClientError, GraphQLClient } from 'graphql-request';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { DEFAULTS } from '../config/config';
import { createLogger } from '../config/logger';
import { findViewer } from '../graphql/auth/find-viewer';
import { signDevelopmentToken } from '../graphql/auth/sign-token';
import { createTokenVerifier, type AuthSettings } from '../graphql/auth/verify-token';
import type { Queryable } from '../db/queryable';
import { startApiServer, type ApiServer, type ApiServerOptions } from '../graphql/start-api';
import { feedbackLinkRouter } from '../graphql/feedback-link-router';
import type { ApiServices } from '../graphql/context';
import { FeedbackLinks } from '../notifications/feedback-link';
import { NotificationListener } from '../notifications/notification-listener';
import { DEVELOPMENT_LINK_SECRET } from '../config/notification-settings';
import { connectEngineRest } from '../tasks/engine-rest';
import { startTaskList, type RunningTaskList, type StartTaskListOptions } from '../tasks/start-task-list';
import { useGridHarness, type GridHarness } from './grid-harness';

export const AUTH: AuthSettings = {
  authMode: 'development',
  jwtSecret: DEFAULTS.jwtSecret,
  jwksUrl: undefined,
  jwtIssuer: DEFAULTS.jwtIssuer,
  jwtAudience: DEFAULTS.jwtAudience,
};

/** Explicitly higher than the service's defaults, for tests that send bursts from one token. */
export const TEST_RATE_LIMITS = { ...DEFAULTS.rateLimits, apiPerToken: 100_000, apiPerIp: 100_000 };

/** Where the harness's feedback links point: a test opens them on the harness's origin. */
export const FEEDBACK_LINK_ORIGIN = 'https://grid-dispatch.example';

export interface ApiHarness {
  readonly grid: GridHarness;
  readonly notifications: NotificationListener;
  readonly feedbackLinks: FeedbackLinks;
  readonly api: ApiServer;
  readonly taskList: RunningTaskList;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /** The GraphQL endpoint, origin + /graphql. */
  readonly url: string;
  /** A development token of the seeded person with this code. */
  token(personCode: string): Promise<string>;
  /** A GraphQL-over-HTTP client acting as the person. */
  as(personCode: string): Promise<GraphQLClient>;
  /** A graphql-ws client acting as the person; closed after the file. */
  ws(personCode: string): Promise<Client>;
}

export interface ApiHarnessOptions {
  /** Wraps the API's database, e.g. to count statements. Default: the pool itself. */
  readonly db?: (pool: Queryable) => Queryable;
  readonly production?: boolean;
  /** Further routes on the API's port, as main.ts mounts them (the monitor). */
  readonly routes?: ApiServerOptions['routes'];
  /** Hears how each operation ended, as main.ts's metrics do. */
  readonly observer?: ApiServerOptions['observer'];
  /** Settings of the task list beyond the harness's own. */
  readonly taskList?: Partial<Pick<StartTaskListOptions, 'leaseMs' | 'recheckMs' | 'reconcileIntervalMs'>>;
  /**
   * The API's rate limits. The harness's default is far above the service's
   * (DEFAULTS.rateLimits): its tests send bursts from one token on purpose;
   * e2e/abuse-api.test.ts runs with the service's defaults.
   */
  readonly rateLimits?: ApiServerOptions['rateLimits'];
  /** Started after the API, stopped before it. */
  readonly extension?: { start(): Promise<void>; stop(): Promise<void> };
}

export function useApiHarness(options: ApiHarnessOptions = {}): ApiHarness {
  let api: ApiServer | undefined;
  let taskList: RunningTaskList | undefined;
  let notifications: NotificationListener | undefined;
  const feedbackLinks = new FeedbackLinks(DEVELOPMENT_LINK_SECRET, FEEDBACK_LINK_ORIGIN, 24);
  const sockets: Client[] = [];
  const logger = createLogger((process.env.API_TEST_LOG ?? 'silent') as 'silent');

  const grid = useGridHarness({
    async start(h) {
      taskList = await startTaskList({ zeebe: h.zbc, rest: connectEngineRest({ address: h.te.restAddress }), pool: h.te.pool, logger, longPollMs: 1_000, ...options.taskList });
      notifications = await NotificationListener.start(h.te.pool, logger);
      const services: ApiServices = {
        db: options.db ? options.db(h.te.pool) : h.te.pool,
        em: h.orm.em,
        intake: h.intake,
        tasks: taskList.service,
        taskChanges: taskList.changes,
        notifications,
        feedbackLinks,
        zeebe: h.zbc,
        embeddedEngine: true,
        logger,
      };
      api = await startApiServer({
        host: '127.0.0.1',
        port: 0,
        services,
        verifier: createTokenVerifier(AUTH),
        logger,
        production: options.production ?? false,
        routes: [...(options.routes ?? []), { path: '/feedback', handler: feedbackLinkRouter({ services, pool: h.te.pool, links: feedbackLinks }) }],
        observer: options.observer,
        rateLimits: options.rateLimits ?? TEST_RATE_LIMITS,
      });
      await options.extension?.start();
    },
    async stop() {
      await options.extension?.stop();
      await Promise.all(sockets.map((socket) => Promise.resolve(socket.dispose())));
      await api?.stop();
      await notifications?.stop();
      await taskList?.stop();
    },
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the API harness is not started yet: use it inside tests or hooks');
    return value;
  };
  const harness: ApiHarness = {
    grid,
    get api() { return started(api); },
    get taskList() { return started(taskList); },
    get notifications() { return started(notifications); },
    feedbackLinks,
    get origin() { return `http://127.0.0.1:${started(api).port}`; },
    get url() { return `${harness.origin}/graphql`; },
    async token(personCode) {
      const client = await grid.te.pool.connect();
      try {
        return await signDevelopmentToken(AUTH, await findViewer(client, personCode));
      } finally {
        client.release();
      }
    },
    async as(personCode) {
      return new GraphQLClient(harness.url, { headers: { authorization: `Bearer ${await harness.token(personCode)}` } });
    },
    async ws(personCode) {
      const token = await harness.token(personCode);
      const client = createClient({
        url: harness.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        lazy: false,
        retryAttempts: 0,
      });
      sockets.push(client);
      return client;
    },
  };
  return harness;
}

/** The `extensions.code` (and field) of the error a GraphQL call must fail with. */
export async function apiError(call: Promise<unknown>): Promise<{ code: string; field?: string; message: string }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ClientError && error.response.errors?.[0]) {
      const first = error.response.errors[0];
      const extensions = (first.extensions ?? {}) as { code?: string; field?: string };
      return { code: String(extensions.code), ...(extensions.field === undefined ? {} : { field: extensions.field }), message: first.message };
    }
    throw error;
  }
  throw new Error('expected the GraphQL call to fail, it succeeded');
}

/** Collects what a subscription delivers, until stopped. */
export function collect<T>(client: Client, query: string): { readonly items: T[]; stop(): void; ready: Promise<void> } {
  const items: T[] = [];
  let unsubscribe: () => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    // graphql-ws has no "subscribed" acknowledgement; the connection's opening is the closest.
    const off = client.on('connected', () => {
      off();
      resolve();
    });
    unsubscribe = client.subscribe<T>({ query }, { next: (value) => { if (value.data) items.push(value.data); }, error: reject, complete: () => undefined });
  });
  return { items, stop: () => unsubscribe(), ready };
}
