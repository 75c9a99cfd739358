/**
 * The composition root. Starts, in order: configuration, logging, PostgreSQL
 * (embedded unless DATABASE_URL), migrations, the connection pool, the
 * reference city when the database has none (AUTO_SEED), then the parts of
 * the process's roles (ROLES, every one by default): `engine` — the engine,
 * its gRPC gateway and its REST API (v2); `workers` — the process models
 * (deployed when changed), the grid index and the job workers; `intake` —
 * Open311; `tasklist` — the worker listing user tasks and the lease
 * reconciler; `api` — the intake's reports, the task list's actions and the
 * HTTP API (GraphQL, monitor, metrics, health, feedback links) with the
 * notification outbox's sender and listener. A process without `api`
 * serves the probes and metrics alone on API_PORT. What must run once among
 * replicas (the intake's outbox, the lease reconciler) runs under an advisory
 * lock (db/run-once.ts). Stops them in reverse order on SIGINT/SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:os';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Config, Role } from './config/config';
import { loadConfigOrExit } from './config/load-or-exit';
import { createLogger, type Logger } from './config/logger';
import { startGateway } from './engine/gateway/server';
import { createGatewayTokenCheck } from './auth/gateway-token';
import { adminBearer, gatewayBearer } from './engine/rest/auth';
import { isLoopback, startRestGateway } from './engine/rest/server';
import { startEngine } from './engine/start-engine';
import { startRecordRetention } from './engine/retention/record-retention';
import { createTokenVerifier } from './graphql/auth/verify-token';
import { devSignInRouter } from './graphql/auth/dev-sign-in-router';
import { startApiServer } from './graphql/start-api';
import type { ApiServices } from './graphql/context';
import { feedbackLinkRouter } from './graphql/feedback-link-router';
import { NotificationListener } from './notifications/notification-listener';
import { startNotifications } from './notifications/start-notifications';
import { startIntake } from './intake/start-intake';
import { startRetention } from './privacy/retention';
import { apiMetrics, createMetrics, createOpsRouter, databaseCheck, departmentObserver, engineCheck, engineObserver, registerDomainGauges, registerNotificationMetrics, restCheck, workerObserver, zeebeCheck, type ReadinessCheck } from './metrics';
import { startOpsServer } from './metrics/ops-server';
import { runOnce } from './db/run-once';
import { connectZeebe, localAddress } from './intake/zeebe-client';
import { createPools } from './db/pools';
import { openDatabase } from './orm/database';
import { migrate } from './orm/migrate';
import { ormConfig } from './orm/orm-config';
import { loadGridIndex } from './orm/geo/load-grid-index';
import { seedIfEmpty } from './orm/seed/seed-if-empty';
import { DepartmentClient } from './workers/departments/department-client';
import { startTaskList, type Singleton } from './tasks/start-task-list';
import { connectEngineRest, userTaskUpdater } from './tasks/engine-rest';
import { monitorRouter } from './web/monitor-router';
import { taskListRouter } from './web/task-list-router';
import { deployProcesses } from './workers/deploy-processes';
import { startWorkers } from './workers/start-workers';

/** A second signal this soon after the first is the same one relayed (by npm), not a request to hurry. */
const RELAYED_SIGNAL_MS = 1_000;

/** How long a shutdown (after a signal or a fatal error) may take before the process exits regardless. */
const FATAL_SHUTDOWN_MS = 30_000;

interface Part {
  readonly name: string;
  stop(): Promise<void>;
}

class StopRequested extends Error {}

class Service {
  /** In start order; stopped in reverse. */
  private readonly parts: Part[] = [];
  /** The part being stopped, named when a shutdown overruns. */
  private stoppingPart: string | undefined;
  private startup: Promise<void> | undefined;
  private stopping: Promise<number> | undefined;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  start(): Promise<void> {
    return (this.startup ??= this.startParts());
  }

  /** Stops whatever has started, newest first; resolves with the exit code. */
  stop(): Promise<number> {
    return (this.stopping ??= this.stopParts());
  }

  /** A shutdown that overruns exits anyway, naming the part it was stuck in. */
  exitIfStuck(code: number): void {
    setTimeout(() => {
      this.logger.error(`shutdown did not finish within ${FATAL_SHUTDOWN_MS} ms (stopping ${this.stoppingPart ?? 'nothing yet'}); exiting`);
      process.exit(code);
    }, FATAL_SHUTDOWN_MS).unref();
  }

  /** A failure the service cannot recover from: stop in order, exit 1 so a supervisor restarts it. */
  fail(error: unknown): void {
    if (this.stopping) {
      this.logger.error({ err: error }, `while stopping: ${messageOf(error)}`);
      return;
    }
    this.logger.fatal({ err: error }, `fatal: ${messageOf(error)}`);
    this.exitIfStuck(1);
    void this.stop().then(() => process.exit(1));
  }

  private async startParts(): Promise<void> {
    const { config, logger } = this;
    const has = (role: Role): boolean => config.roles.includes(role);
    logger.info({ roles: config.roles }, `roles: ${config.roles.join(', ')}`);
    // An embedded PostgreSQL that dies is started again, and the engine reloads from it: no exit, no human.
    const database = await openDatabase(config, logger);
    this.add('database', () => database.stop());

    // Before anything else touches the database; replicas starting together wait on one lock (orm/migrate.ts).
    await migrate(database.url, logger);
    this.checkpoint();

    const metrics = createMetrics();
    // the engine has a pool of its own: its commits must never wait for connections the application holds (db/pools.ts)
    const pools = createPools(database.url, (error) => logger.warn({ err: error }, `idle database connection failed: ${error.message}`));
    const pool = pools.app;
    this.add('database pool', () => pools.end());
    if (config.autoSeed) await seedIfEmpty(pool, logger);
    this.checkpoint();
    const checks: ReadinessCheck[] = [databaseCheck(pool)];

    // What must run once among replicas runs where its advisory lock is held (db/run-once.ts).
    const singleton: Singleton = (name, start) => runOnce({ connectionString: database.url, name, start, logger });

    let zeebeAddress = config.zeebeAddress;
    let zeebeToken: string | undefined;
    // Camunda's REST API listens on 8080 beside the gateway's gRPC port unless told otherwise.
    let restAddress = config.zeebeRestAddress ?? (zeebeAddress === undefined ? undefined : `http://${zeebeAddress.replace(/:\d+$/, '')}:8080`);
    if (has('engine')) {
      const engine = await startEngine({ pool: pools.engine, logger, onFatal: (error) => this.fail(error), observer: engineObserver(metrics.engine) });
      this.add('engine', () => engine.stop());
      checks.push(engineCheck(engine));
      if (config.engineRetentionHours > 0) {
        const retention = startRecordRetention({ pool, logger, retainMs: config.engineRetentionHours * 3_600_000 });
        this.add('record retention', () => retention.stop());
      }

      zeebeToken = config.gatewayAuth === 'jwt' ? randomBytes(32).toString('base64url') : undefined;
      const authenticate = zeebeToken === undefined ? undefined : createGatewayTokenCheck(config, { internalToken: zeebeToken });
      const gateway = await startGateway({ engine, host: config.gatewayHost, port: config.gatewayPort, logger, authenticate });
      this.add('gateway', () => gateway.stop());
      logger.info({ port: gateway.port }, `gateway listening on ${hostPort(config.gatewayHost, gateway.port)}`);
      zeebeAddress = localAddress(config.gatewayHost, gateway.port);

      // With the gateway's authentication on, REST takes the gRPC gateway's tokens; without it, beyond loopback, an admin's API token.
      const restAuthenticate =
        authenticate !== undefined ? gatewayBearer(authenticate) : isLoopback(config.gatewayHost) ? undefined : adminBearer(createTokenVerifier(config));
      const rest = await startRestGateway({
        engine,
        db: pool,
        host: config.gatewayHost,
        port: config.restPort,
        logger,
        ...(restAuthenticate !== undefined && { authenticate: restAuthenticate }),
      });
      this.add('REST gateway', () => rest.close());
      logger.info({ port: rest.port }, `REST gateway listening on ${hostPort(config.gatewayHost, rest.port)}`);
      restAddress = `http://${localAddress(config.gatewayHost, rest.port)}`;
    } else {
      logger.info({ zeebeAddress, restAddress }, `engine not started here: its gateway is ${zeebeAddress}`);
    }
    if (zeebeAddress === undefined) throw new Error('no Zeebe gateway: ROLES has no engine and ZEEBE_ADDRESS is unset');
    if (restAddress !== undefined && !has('engine')) checks.push(restCheck(restAddress));

    if (has('api') || has('workers') || has('tasklist') || has('intake')) {
      const orm = await MikroORM.init(ormConfig(database.url, logger));
      this.add('ORM', () => orm.close(true));
      const zeebe = connectZeebe(zeebeAddress, zeebeToken);
      this.add('Zeebe client', async () => {
        await zeebe.close();
      });
      checks.push(zeebeCheck(zeebe));
      const engineRest = connectEngineRest({ address: `${restAddress}/v2`, ...(zeebeToken !== undefined && { token: zeebeToken }) });
      const reportsHere = has('api') || has('intake');
      const gridIndex = has('workers') || reportsHere ? await loadGridIndex(pool) : undefined;
      if (gridIndex?.size === 0) logger.warn('the city is not seeded: reports cannot be placed in a grid until `npm run seed`');
      if (has('workers') && gridIndex !== undefined) {
        await deployProcesses(zeebe, logger);
        const workers = startWorkers({
          zeebe,
          em: orm.em,
          gridIndex,
          departmentsClient: new DepartmentClient({ observer: departmentObserver(metrics.workers) }),
          logger,
          config,
          observer: workerObserver(metrics.workers),
          userTasks: userTaskUpdater(engineRest),
        });
        this.add('workers', () => workers.stop());
      }

      const intake = reportsHere
        ? await startIntake({
            em: orm.em,
            db: pool,
            grids: gridIndex,
            zeebe,
            attachmentDir: config.attachmentDir,
            attachmentMaxBytes: config.attachmentMaxBytes,
            host: config.gatewayHost,
            open311Port: has('intake') ? config.open311Port : undefined,
            logger,
            rateLimits: config.rateLimits,
            timeouts: config.httpTimeouts,
            singleton,
          })
        : undefined;
      if (intake !== undefined) this.add('intake', () => intake.stop());
      if (intake !== undefined) {
        const retention = startRetention(pool, intake.service, { ...config, notificationRetentionDays: config.notifications.retentionDays }, logger);
        this.add('retention', () => retention.stop());
      }
      if (intake?.open311 !== undefined) logger.info({ port: intake.open311.port }, `open311 listening on ${hostPort(config.gatewayHost, intake.open311.port)}`);

      if (has('api') || has('tasklist')) {
        const listenerRest = has('tasklist') ? connectEngineRest({ address: `${restAddress}/v2`, ...(zeebeToken !== undefined && { token: zeebeToken }) }) : undefined;
        const taskList = await startTaskList({
          zeebe,
          rest: engineRest,
          ...(listenerRest !== undefined && { listenerRest }),
          pool,
          logger,
          parts: { worker: has('tasklist'), reconciler: has('tasklist') },
          singleton,
        });
        this.add('task list', () => taskList.stop());

        if (has('api') && intake !== undefined) {
          registerDomainGauges(metrics.registry, pool, { onError: (error) => logger.warn({ err: error }, `domain metrics failed: ${messageOf(error)}`) });
          const notificationObserver = registerNotificationMetrics(metrics.registry, pool, (error) => logger.warn({ err: error }, `notification metrics failed: ${messageOf(error)}`));
          const notifications = startNotifications({ pool, settings: config.notifications, logger, observer: notificationObserver });
          this.add('notification outbox', () => notifications.stop());
          const notificationListener = await NotificationListener.start(pool, logger);
          this.add('notification listener', () => notificationListener.stop());
          const services: ApiServices = {
            db: pool,
            em: orm.em,
            intake: intake.service,
            tasks: taskList.service,
            taskChanges: taskList.changes,
            notifications: notificationListener,
            feedbackLinks: notifications.links,
            zeebe,
            embeddedEngine: config.engineTables,
            logger,
          };
          const api = await startApiServer({
            host: config.gatewayHost,
            port: config.apiPort,
            services,
            verifier: createTokenVerifier(config),
            logger,
            production: config.authMode === 'production',
            queryLimits: config.queryLimits,
            rateLimits: config.rateLimits,
            timeouts: config.httpTimeouts,
            corsOrigins: config.corsOrigins,
            errorStackTraces: config.errorStackTraces,
            observer: apiMetrics(metrics.api),
            routes: [
              { path: '/', handler: createOpsRouter({ registry: metrics.registry, checks }) },
              { path: '/monitor', handler: monitorRouter() },
              { path: '/tasks', handler: taskListRouter() },
              { path: '/dev/sign-in', handler: devSignInRouter({ auth: config, db: pool }) },
              ...(notifications.links === undefined ? [] : [{ path: '/feedback', handler: feedbackLinkRouter({ services, pool, links: notifications.links }) }]),
            ],
          });
          this.add('API', () => api.stop());
          logger.info({ port: api.port }, `api listening on ${hostPort(config.gatewayHost, api.port)}`);
        }
      }
    }

    if (!has('api')) {
      // Every process answers the probes and is scraped on API_PORT.
      const ops = await startOpsServer({ host: config.gatewayHost, port: config.apiPort, router: createOpsRouter({ registry: metrics.registry, checks }) });
      this.add('ops endpoints', () => ops.stop());
      logger.info({ port: ops.port }, `ops listening on ${hostPort(config.gatewayHost, ops.port)}`);
    }
    logger.info({ roles: config.roles }, `ready: ${config.roles.join(', ')}`);
  }

  /** Registers a started part, then ends the startup if a stop was requested meanwhile. */
  private add(name: string, stop: () => Promise<void>): void {
    this.parts.push({ name, stop });
    this.checkpoint();
  }

  private checkpoint(): void {
    if (this.stopping) throw new StopRequested();
  }

  private async stopParts(): Promise<number> {
    await this.startup?.catch(() => undefined);
    let code = 0;
    for (const part of [...this.parts].reverse()) {
      this.logger.debug(`stopping ${part.name}`);
      this.stoppingPart = part.name;
      try {
        await part.stop();
      } catch (error) {
        code = 1;
        this.logger.error({ err: error }, `stopping ${part.name} failed: ${messageOf(error)}`);
      }
    }
    this.parts.length = 0;
    this.logger.info('stopped');
    return code;
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const service = new Service(config, logger);

  let signalledAt: number | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (signalledAt !== undefined) {
        // Ctrl-C under `npm start` arrives twice: from the terminal and relayed by npm. Only a later one insists.
        if (Date.now() - signalledAt < RELAYED_SIGNAL_MS) return;
        logger.warn(`${signal} again: exiting without finishing the shutdown`);
        process.exit(128 + constants.signals[signal]);
      }
      signalledAt = Date.now();
      logger.info(`${signal}: shutting down`);
      service.exitIfStuck(128 + constants.signals[signal]);
      void service.stop().then((code) => process.exit(code));
    });
  }
  process.on('uncaughtException', (error) => service.fail(error));
  process.on('unhandledRejection', (reason) => service.fail(reason));

  try {
    await service.start();
  } catch (error) {
    if (error instanceof StopRequested) return; // the signal handler finishes the shutdown
    logger.fatal({ err: error }, `startup failed: ${messageOf(error)}`);
    await service.stop();
    process.exit(1);
  }
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

void main();
