/**
 * The whole grid service for e2e tests, in-process: a real engine on its own
 * PostgreSQL database seeded with the reference city, the process models
 * deployed, the job workers, the intake's reportEvent, and real HTTP servers
 * on 127.0.0.1 playing departments. The test plays the people: it completes
 * the user-task jobs through the SDK, as a task list would.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { json as readJson } from 'node:stream/consumers';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { createLogger } from '../config/logger';
import { loadDivisionPlacer } from '../intake/address-placement';
import { LocalAttachmentStore } from '../intake/attachment-store';
import { ProcessStarts } from '../intake/process-start';
import { IntakeService } from '../intake/report-event';
import { GridEvent } from '../orm/entities';
import type { PolygonCoordinates } from '../orm/entities/grid';
import { interiorPoint } from '../orm/geo/interior-point';
import { loadGridIndex } from '../orm/geo/load-grid-index';
import type { GridIndex } from '../orm/geo/grid-index';
import { ormConfig } from '../orm/orm-config';
import { seedTestCity } from '../test-support/city';
import { notificationsOf, type WrittenNotification } from '../test-support/notifications';
import { eventually, startTestEngine, type TestEngine } from '../test-support/engine';
import { describeInstance } from '../test-support/instance-state';
import { DepartmentClient } from '../workers/departments/department-client';
import { deployProcesses } from '../workers/deploy-processes';
import type { WorkerConfig } from '../workers/services';
import { startWorkers, type RunningWorkers } from '../workers/start-workers';
import { connectSdk, silenceClientCancellations, type ZeebeClient } from './fixtures/sdk';
import type { CamundaClient } from '@camunda8/orchestration-cluster-api';
import { restClient } from '../test-support/rest-client';
import { connectEngineRest, userTaskUpdater } from '../tasks/engine-rest';
import { startTaskList, type RunningTaskList } from '../tasks/start-task-list';

export const USER_TASK = 'io.camunda.zeebe:userTask';
/**
 * Feedback published the moment an event shows CLOSED may reach the gateway
 * before close-event's job completes and the process waits for it; the
 * service keeps such feedback for an hour, a test for a minute, well beyond
 * what a loaded machine takes between the two.
 */
export const FEEDBACK_TTL_MS = 60_000;

type ActivatedJob = Awaited<ReturnType<ZeebeClient['activateJobs']>>[number];

/** A Camunda user task as a person finds it through REST v2: its key, its attributes, the variables it sees. */
export interface PersonTask {
  readonly key: string;
  readonly type: typeof USER_TASK;
  readonly processInstanceKey: string;
  readonly elementId: string;
  readonly userTask: { readonly candidateGroups: string[]; readonly priority: number; readonly dueDate?: string; readonly followUpDate?: string; readonly formId?: string };
  readonly variables: Record<string, unknown>;
}

/** A job of a worker, or (type USER_TASK) a user task. */
export type Job = ActivatedJob | PersonTask;

/** A department's system: answers as `behaviour` says, counts requests and the distinct keys it acted on. */
export interface FakeDepartment {
  readonly code: string;
  readonly url: string;
  readonly keys: string[];
  readonly bodies: Record<string, unknown>[];
  /** Idempotency keys of requests answered 2xx: what the department acted on, once per key. */
  readonly acted: Set<string>;
  behaviour: (request: IncomingMessage, response: ServerResponse) => void;
}

export const answer = (status: number, body: unknown = {}) => (_: IncomingMessage, response: ServerResponse) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

export interface GridHarness {
  readonly te: TestEngine;
  readonly zbc: ZeebeClient;
  readonly orm: MikroORM;
  readonly grids: GridIndex;
  readonly intake: IntakeService;
  /** The notifications the outbox holds for the event, oldest first. */
  notifications(eventId: number | string): Promise<WrittenNotification[]>;
  /** Read by the workers at every job: a test may shorten the SLA before it reports. */
  readonly config: { -readonly [K in keyof WorkerConfig]: WorkerConfig[K] };
  /** Puts a fake system in front of the department (its api_endpoint points at it). */
  department(code: string, behaviour?: FakeDepartment['behaviour']): Promise<FakeDepartment>;
  /** A point inside the grid: the centre of its polygon's bounding box, checked against the index. */
  pointIn(gridCode: string): Promise<{ lon: number; lat: number }>;
  /** The next job of this type (USER_TASK: the next open user task, at this element) of the instance. */
  next(processInstanceKey: string, type: typeof USER_TASK, elementId?: string): Promise<PersonTask>;
  next(processInstanceKey: string, type: string, elementId?: string): Promise<Job>;
  /** Completes the job, or the user task through REST v2 (its `completing` listener checks the variables). */
  complete(job: Job, variables?: Record<string, unknown>): Promise<void>;
  /** Camunda's REST client on the engine. */
  readonly rest: CamundaClient;
  completed(processInstanceKey: string): Promise<void>;
  event(eventId: number): Promise<GridEvent>;
  statuses(eventId: number): Promise<string[]>;
  notes(eventId: number): Promise<string[]>;
}

/** Parts a test file adds on top of the harness: started after it, stopped before it. */
export interface HarnessExtension {
  start(harness: GridHarness): Promise<void>;
  stop(): Promise<void>;
}

/** `now`: the engine's and the workers' clock, for a test that moves time itself (the engine's clockMoved). */
export function useGridHarness(extension?: HarnessExtension, options: { readonly now?: () => number } = {}): GridHarness {
  let te: TestEngine | undefined;
  let zbc: ZeebeClient | undefined;
  let orm: MikroORM | undefined;
  let grids: GridIndex | undefined;
  let intake: IntakeService | undefined;
  let workers: RunningWorkers | undefined;
  let starts: ProcessStarts | undefined;
  let attachmentDir: string | undefined;
  let consoleError: jest.SpyInstance | undefined;
  const servers: Server[] = [];
  const activated: ActivatedJob[] = [];
  const takenTasks = new Set<string>();
  let rest: CamundaClient | undefined;
  let taskList: RunningTaskList | undefined;
  const config = { feedbackTimeout: 'PT30S', slaSecondsPerHour: 3600, duplicateRadiusMeters: 50, duplicateWindowHours: 24, notifyRetryBackoffMs: 100 };
  const logger = createLogger((process.env.GRID_TEST_LOG ?? 'silent') as 'silent');

  beforeAll(async () => {
    consoleError = silenceClientCancellations();
    te = await startTestEngine(options.now === undefined ? {} : { now: options.now });
    await seedTestCity(te.databaseUrl);
    orm = await MikroORM.init(ormConfig(te.databaseUrl, logger));
    zbc = connectSdk(te.port);
    rest = restClient(te);
    await deployProcesses(zbc, logger);
    // The task list's listeners let the user tasks be created, assigned, updated and completed.
    taskList = await startTaskList({ zeebe: zbc, rest: connectEngineRest({ address: te.restAddress }), pool: te.pool, logger, longPollMs: 1_000 });
    grids = await loadGridIndex(te.pool);
    workers = startWorkers({
      zeebe: zbc,
      em: orm.em,
      gridIndex: grids,
      // One attempt per job: the job's own retries and back-off are what the tests watch.
      departmentsClient: new DepartmentClient({ maxAttempts: 1, attemptTimeoutMs: 2_000 }),
      logger,
      config,
      longPollMs: 1_000,
      ...(options.now === undefined ? {} : { clock: () => new Date(options.now!()) }),
      userTasks: userTaskUpdater(rest),
    });
    attachmentDir = await mkdtemp(path.join(tmpdir(), 'grid-e2e-'));
    starts = new ProcessStarts(orm.em, zbc, logger);
    intake = new IntakeService({ em: orm.em, grids, places: await loadDivisionPlacer(te.pool), store: new LocalAttachmentStore(attachmentDir), starts, logger });
    await extension?.start(harness);
  }, 120_000);

  afterAll(async () => {
    await extension?.stop();
    await workers?.stop();
    await taskList?.stop();
    await starts?.stop();
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); })));
    await zbc?.close();
    await orm?.close(true);
    await te?.stop();
    if (attachmentDir) await rm(attachmentDir, { recursive: true, force: true });
    consoleError?.mockRestore();
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the grid harness is not started yet: use it inside tests or hooks');
    return value;
  };

  const openTask = async (processInstanceKey: string, elementId?: string): Promise<PersonTask | undefined> => {
    const found = await started(rest).searchUserTasks(
      { filter: { processInstanceKey: processInstanceKey as never, state: 'CREATED', ...(elementId !== undefined && { elementId: elementId as never }) }, page: { limit: 50 } },
      { consistency: { waitUpToMs: 0 } },
    );
    const task = found.items.find((item) => !takenTasks.has(String(item.userTaskKey)));
    if (!task) return undefined;
    takenTasks.add(String(task.userTaskKey));
    const variables = await started(rest).searchUserTaskVariables({ userTaskKey: task.userTaskKey, truncateValues: false, page: { limit: 100 } }, { consistency: { waitUpToMs: 0 } });
    return {
      key: String(task.userTaskKey),
      type: USER_TASK,
      processInstanceKey,
      elementId: String(task.elementId),
      userTask: {
        candidateGroups: task.candidateGroups ?? [],
        priority: task.priority ?? 50,
        ...(task.dueDate ? { dueDate: task.dueDate } : {}),
        ...(task.followUpDate ? { followUpDate: task.followUpDate } : {}),
        ...(task.formKey ? { formId: String((await started(rest).getUserTaskForm({ userTaskKey: task.userTaskKey }, { consistency: { waitUpToMs: 0 } }))?.formId) } : {}),
      },
      variables: Object.fromEntries(variables.items.map((item) => [item.name, JSON.parse(item.value) as unknown])),
    };
  };

  /** A wait that times out says where the instance stands. */
  const saying = async <T>(processInstanceKey: string, waiting: Promise<T>): Promise<T> => {
    try {
      return await waiting;
    } catch (error) {
      if (error instanceof Error) error.message += `\n${await describeInstance(started(te).pool, processInstanceKey).catch((cause: unknown) => `(its state could not be read: ${String(cause)})`)}`;
      throw error;
    }
  };

  const take = (processInstanceKey: string, type: string, elementId?: string): ActivatedJob | undefined => {
    const index = activated.findIndex((job) => job.type === type && job.processInstanceKey === processInstanceKey && (elementId === undefined || job.elementId === elementId));
    return index === -1 ? undefined : activated.splice(index, 1)[0];
  };

  const harness: GridHarness = {
    get te() { return started(te); },
    get zbc() { return started(zbc); },
    get orm() { return started(orm); },
    get grids() { return started(grids); },
    get intake() { return started(intake); },
    notifications: (eventId) => notificationsOf(started(te).pool, eventId),
    config,
    async department(code, behaviour = answer(201, { ticket: `${code}-1` })) {
      const fake: FakeDepartment = { code, url: '', keys: [], bodies: [], acted: new Set(), behaviour };
      const server = createServer((request, response) => {
        readJson(request)
          .then((body) => {
            const key = String(request.headers['idempotency-key']);
            fake.keys.push(key);
            fake.bodies.push(body as Record<string, unknown>);
            fake.behaviour(request, response);
            if (response.statusCode >= 200 && response.statusCode < 300) fake.acted.add(key);
          })
          // A request the fake cannot read fails the call that sent it, not the test process.
          .catch(() => response.destroy());
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
      Object.assign(fake, { url });
      await started(te).pool.query(`update public.department set api_endpoint = $2 where code = $1`, [code, url]);
      return fake;
    },
    async pointIn(gridCode) {
      const { rows } = await started(te).pool.query<{ polygon: PolygonCoordinates }>(`select polygon from public.grid where code = $1`, [gridCode]);
      const point = rows[0] && interiorPoint(rows[0].polygon);
      if (point === undefined || started(grids).findGrid(point.lon, point.lat) !== gridCode) throw new Error(`no inner point found for grid ${gridCode}`);
      return { lon: point.lon, lat: point.lat };
    },
    get rest() { return started(rest); },
    async next(processInstanceKey: string, type: string, elementId?: string): Promise<never> {
      if (type === USER_TASK) {
        return saying(processInstanceKey, eventually(() => openTask(processInstanceKey, elementId), { what: `user task${elementId ? ` at ${elementId}` : ''} of instance ${processInstanceKey}`, timeoutMs: 20_000 })) as Promise<never>;
      }
      return saying(processInstanceKey, eventually(
        async () => {
          const ready = take(processInstanceKey, type, elementId);
          if (ready) return ready;
          activated.push(...(await started(zbc).activateJobs({ type, worker: 'people', maxJobsToActivate: 20, timeout: 60_000, requestTimeout: 500 })));
          return take(processInstanceKey, type, elementId);
        },
        { what: `job ${type}${elementId ? ` at ${elementId}` : ''} of instance ${processInstanceKey}`, timeoutMs: 20_000 },
      )) as Promise<never>;
    },
    async complete(job, variables = {}) {
      if (job.type === USER_TASK) {
        await started(rest).completeUserTask({ userTaskKey: job.key as never, variables });
        return;
      }
      await started(zbc).completeJob({ jobKey: job.key, variables: variables as never });
    },
    async completed(processInstanceKey) {
      await saying(processInstanceKey, eventually(
        async () => {
          const { rows } = await started(te).pool.query(
            `select 1 from engine.record where process_instance_key = $1 and value_type = 'PROCESS_INSTANCE'
                and intent = 'ELEMENT_COMPLETED' and value->>'bpmnElementType' = 'PROCESS'`,
            [processInstanceKey],
          );
          return rows.length > 0 ? true : undefined;
        },
        { what: `instance ${processInstanceKey} to complete`, timeoutMs: 20_000 },
      ));
    },
    async event(eventId) {
      return started(orm).em.fork().findOneOrFail(GridEvent, eventId, { populate: ['grid', 'duplicateOf'] });
    },
    async statuses(eventId) {
      const { rows } = await started(te).pool.query<{ to_status: string }>(
        `select to_status from public.grid_event_transition where event_id = $1 and (from_status is null or from_status <> to_status) order by at, id`,
        [eventId],
      );
      return rows.map((row) => row.to_status);
    },
    async notes(eventId) {
      const { rows } = await started(te).pool.query<{ note: string }>(`select note from public.grid_event_transition where event_id = $1 order by at, id`, [eventId]);
      return rows.map((row) => row.note);
    },
  };
  return harness;
}
