/**
 * The composition root. Starts, in order: configuration, logging, PostgreSQL
 * (embedded unless DATABASE_URL), migrations, the connection pool, the
 * reference city when the database has none (AUTO_SEED), then —
 * unless ZEEBE_ADDRESS names an external Zeebe gateway — the engine, its
 * gRPC gateway and its REST API (v2), then the process models (deployed when changed), the grid
 * index and the job workers, then the intake with its Open311 endpoint, the
 * task list, and the HTTP API (GraphQL, monitor, metrics, health).
 * Stops them in reverse order on SIGINT/SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:os';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Config } from './config/config';
import { loadConfigOrExit } from './config/load-or-exit';
import { createLogger, type Logger } from './config/logger';
import { startGateway } from './engine/gateway/server';
import { createGatewayTokenCheck } from './auth/gateway-token';
import { adminBearer, gatewayBearer } from './engine/rest/auth';
import { isLoopback, startRestGateway } from './engine/rest/server';
import { startEngine } from './engine/start-engine';
import { createTokenVerifier } from './graphql/auth/verify-token';
import { devSignInRouter } from './graphql/auth/dev-sign-in-router';
import { startApiServer } from './graphql/start-api';
import { startIntake } from './intake/start-intake';
import { apiMetrics, createMetrics, createOpsRouter, databaseCheck, departmentObserver, engineObserver, registerDomainGauges, workerObserver, zeebeCheck } from './metrics';
import { connectZeebe, localAddress } from './intake/zeebe-client';
import { openDatabase } from './orm/database';
import { migrate } from './orm/migrate';
import { ormConfig } from './orm/orm-config';
import { loadGridIndex } from './orm/geo/load-grid-index';
import { seedIfEmpty } from './orm/seed/seed-if-empty';
import { DepartmentClient } from './workers/departments/department-client';
import { startTaskList } from './tasks/start-task-list';
import { connectEngineRest, userTaskUpdater } from './tasks/engine-rest';
import { monitorRouter } from './web/monitor-router';
import { taskListRouter } from './web/task-list-router';
import { deployProcesses } from './workers/deploy-processes';
import { startWorkers } from './workers/start-workers';

/** A second signal this soon after the first is the same one relayed (by npm), not a request to hurry. */
const RELAYED_SIGNAL_MS = 1_000;

/** How long a fatal error's shutdown may take before the process exits regardless. */
const FATAL_SHUTDOWN_MS = 30_000;

interface Part {
  readonly name: string;
  stop(): Promise<void>;
}

class StopRequested extends Error {}

class Service {
  /** In start order; stopped in reverse. */
  private readonly parts: Part[] = [];
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

  /** A failure the service cannot recover from: stop in order, exit 1 so a supervisor restarts it. */
  fail(error: unknown): void {
    if (this.stopping) {
      this.logger.error({ err: error }, `while stopping: ${messageOf(error)}`);
      return;
    }
    this.logger.fatal({ err: error }, `fatal: ${messageOf(error)}`);
    setTimeout(() => process.exit(1), FATAL_SHUTDOWN_MS).unref();
    void this.stop().then(() => process.exit(1));
  }

  private async startParts(): Promise<void> {
    const { config, logger } = this;
    const database = await openDatabase(config, logger, {
      onUnexpectedExit: (reason) => this.fail(new Error(`embedded PostgreSQL ${reason}`)),
    });
    this.add('database', () => database.stop());

    // Before anything else touches the database.
    await migrate(database.url, logger);
    this.checkpoint();

    const metrics = createMetrics();
    const pool = new pg.Pool({ connectionString: database.url });
    // An idle client whose server went away emits 'error'; unhandled, that would crash the process.
    pool.on('error', (error) => logger.warn({ err: error }, `idle database connection failed: ${error.message}`));
    this.add('database pool', () => pool.end());
    if (config.autoSeed) await seedIfEmpty(pool, logger);
    this.checkpoint();

    let zeebeAddress = config.zeebeAddress;
    let zeebeToken: string | undefined;
    let restAddress = config.zeebeRestAddress ?? (zeebeAddress === undefined ? undefined : `http://${zeebeAddress.replace(/:\d+$/, '')}:8080/v2`);
    if (zeebeAddress === undefined) {
      const engine = await startEngine({ pool, logger, onFatal: (error) => this.fail(error), observer: engineObserver(metrics.engine) });
      this.add('engine', () => engine.stop());

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
      restAddress = `http://${localAddress(config.gatewayHost, rest.port)}/v2`;
    } else {
      logger.info(`embedded engine not started, ZEEBE_ADDRESS is ${zeebeAddress}`);
    }

    const orm = await MikroORM.init(ormConfig(database.url, logger));
    this.add('ORM', () => orm.close(true));
    const zeebe = connectZeebe(zeebeAddress, zeebeToken);
    this.add('Zeebe client', async () => {
      await zeebe.close();
    });
    await deployProcesses(zeebe, logger);
    const engineRest = connectEngineRest({ address: restAddress!, ...(zeebeToken !== undefined && { token: zeebeToken }) });
    const gridIndex = await loadGridIndex(pool);
    if (gridIndex.size === 0) logger.warn('the city is not seeded: reports cannot be placed in a grid until `npm run seed`');
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

    const intake = await startIntake({
      em: orm.em,
      db: pool,
      grids: gridIndex,
      zeebe,
      attachmentDir: config.attachmentDir,
      attachmentMaxBytes: config.attachmentMaxBytes,
      host: config.gatewayHost,
      open311Port: config.open311Port,
      logger,
      rateLimits: config.rateLimits,
      timeouts: config.httpTimeouts,
    });
    this.add('intake', () => intake.stop());
    logger.info({ port: intake.open311.port }, `open311 listening on ${hostPort(config.gatewayHost, intake.open311.port)}`);

    registerDomainGauges(metrics.registry, pool, { onError: (error) => logger.warn({ err: error }, `domain metrics failed: ${messageOf(error)}`) });
    const taskList = await startTaskList({ zeebe, rest: engineRest, pool, logger });
    this.add('task list', () => taskList.stop());

    const api = await startApiServer({
      host: config.gatewayHost,
      port: config.apiPort,
      services: {
        db: pool,
        em: orm.em,
        intake: intake.service,
        tasks: taskList.service,
        taskChanges: taskList.changes,
        zeebe,
        embeddedEngine: config.zeebeAddress === undefined,
        logger,
      },
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
        { path: '/', handler: createOpsRouter({ registry: metrics.registry, checks: [databaseCheck(pool), zeebeCheck(zeebe)] }) },
        { path: '/monitor', handler: monitorRouter() },
        { path: '/tasks', handler: taskListRouter() },
        { path: '/dev/sign-in', handler: devSignInRouter({ auth: config, db: pool }) },
      ],
    });
    this.add('API', () => api.stop());
    logger.info({ port: api.port }, `api listening on ${hostPort(config.gatewayHost, api.port)}`);
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
