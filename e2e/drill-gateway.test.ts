/**
 * The Zeebe gateway unreachable (the engine and its gateway stopped, as a
 * Camunda cluster that is down) while citizens report: the intake accepts
 * every report, keeps its process start in the outbox, and starts each one
 * once the gateway is back, each once. GATEWAY_OUTAGE_MS sets the outage:
 * 5 s here in `npm test`; `npm run drill:gateway` runs this file with the
 * full 30 s. The checks are printed as the drills print theirs.
 */
import { tmpdir } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { createLogger } from '../config/logger';
import { loadDivisionPlacer } from '../intake/address-placement';
import { LocalAttachmentStore } from '../intake/attachment-store';
import { ProcessStarts } from '../intake/process-start';
import { IntakeService } from '../intake/report-event';
import { loadGridIndex } from '../orm/geo/load-grid-index';
import { ormConfig } from '../orm/orm-config';
import { pointInSeededGrid, seedTestCity } from '../test-support/city';
import { eventually, startTestEngine, type TestEngine } from '../test-support/engine';
import { deployProcesses } from '../workers/deploy-processes';
import { Checks } from '../drills/harness';
import { connectSdk, silenceClientCancellations, type ZeebeClient } from './fixtures/sdk';

const OUTAGE_MS = Number(process.env.GATEWAY_OUTAGE_MS ?? 5_000);
jest.setTimeout(120_000 + 3 * OUTAGE_MS);

let te: TestEngine;
let orm: MikroORM;
let zbc: ZeebeClient;
let starts: ProcessStarts;
let intake: IntakeService;
let attachmentDir: string;
let consoleError: jest.SpyInstance;

beforeAll(async () => {
  consoleError = silenceClientCancellations();
  te = await startTestEngine();
  await seedTestCity(te.databaseUrl);
  const logger = createLogger('silent');
  orm = await MikroORM.init(ormConfig(te.databaseUrl, logger));
  zbc = connectSdk(te.port);
  await deployProcesses(zbc, logger);
  attachmentDir = await mkdtemp(path.join(tmpdir(), 'grid-drill-'));
  // The outbox's timings shortened from 30 s lease / 5 s poll, so the drill does not wait minutes.
  starts = new ProcessStarts(orm.em, zbc, logger, { leaseMs: 1_000, maxBackoffMs: 2_000, pollIntervalMs: 250, attemptTimeoutMs: 2_000 });
  starts.startRetrying();
  const grids = await loadGridIndex(te.pool);
  intake = new IntakeService({ em: orm.em, grids, places: await loadDivisionPlacer(te.pool), store: new LocalAttachmentStore(attachmentDir), starts, logger });
}, 120_000);

afterAll(async () => {
  await starts.stop();
  await zbc.close();
  await orm.close(true);
  await te.stop();
  await rm(attachmentDir, { recursive: true, force: true });
  consoleError.mockRestore();
});

test('reports taken while the gateway is unreachable are started once it is back', async () => {
  const point = pointInSeededGrid('D02S01C01G01');
  const report = (n: number) =>
    intake.reportEvent({ category: 'road_damage', severity: 'low', source: 'citizen_app', description: `pothole number ${n} in the drill`, reporterCode: 'citizen-000002', lon: point.lon, lat: point.lat });

  const before = await report(0);
  expect(before.processInstanceKey).toBeDefined();

  const lines: string[] = [`gateway outage drill: the gateway unreachable for ${OUTAGE_MS / 1000} s while reports stream in`];
  const checks = new Checks((line) => lines.push(line));
  const outage = te.restart(OUTAGE_MS);
  const accepted: { eventId: number; processInstanceKey?: string }[] = [];
  const outageStarted = Date.now();
  // Reports keep coming for the length of the outage; every one is accepted (reportEvent throws otherwise).
  for (let n = 1; Date.now() - outageStarted < OUTAGE_MS; n++) accepted.push(await report(n));
  await outage;
  const backAt = Date.now();
  checks.note(`the gateway was back ${((backAt - outageStarted) / 1000).toFixed(1)} s after it went away`);

  const waiting = accepted.filter((reported) => reported.processInstanceKey === undefined);
  checks.check('every report was accepted while the gateway was away', accepted.length > 0, `${accepted.length} reports accepted, each with its event id`);
  const { rows: outbox } = await te.pool.query<{ n: number }>('select count(*)::int as n from public.intake_process_start');
  checks.check('the starts waited in the outbox', waiting.length > 0 && (outbox[0]?.n ?? 0) > 0, `${waiting.length} reports answered without a process instance; ${outbox[0]?.n ?? 0} starts in intake_process_start when the gateway came back`);

  const ids = accepted.map((reported) => reported.eventId);
  const started = await eventually(
    async () => {
      const { rows } = await te.pool.query<{ id: number; key: string | null }>('select id, process_instance_key::text as key from public.grid_event where id = any($1)', [ids]);
      return rows.length === ids.length && rows.every((row) => row.key !== null) ? rows : undefined;
    },
    { timeoutMs: 60_000 + OUTAGE_MS, intervalMs: 250, what: 'every report started' },
  ).catch(() => []);
  checks.check('every report was started afterwards', started.length === accepted.length, `${started.length} of ${accepted.length} events have their process instance, the last ${((Date.now() - backAt) / 1000).toFixed(1)} s after the gateway was back`);
  const { rows: left } = await te.pool.query<{ n: number }>('select count(*)::int as n from public.intake_process_start');
  checks.check('the outbox emptied', left[0]?.n === 0, `${left[0]?.n} starts left`);

  // Once each: one grid-event instance per reported event.
  const { rows: instances } = await te.pool.query<{ event_id: string; n: number }>(
    `select trim(both '"' from value->>'value') as event_id, count(distinct process_instance_key)::int as n
       from engine.record
      where value_type = 'VARIABLE' and intent = 'CREATED' and value->>'name' = 'eventId'
        and value->>'bpmnProcessId' = 'grid-event' and value->>'scopeKey' = process_instance_key::text
      group by 1`,
  );
  const perEvent = new Map(instances.map((row) => [Number(row.event_id), row.n]));
  const notOnce = ids.filter((id) => perEvent.get(id) !== 1);
  checks.check('nothing lost, nothing doubled', notOnce.length === 0, `${ids.length - notOnce.length} of ${ids.length} events have exactly one grid-event instance${notOnce.length > 0 ? `; not once: ${notOnce.map((id) => `${id}×${perEvent.get(id) ?? 0}`).join(', ')}` : ''}`);
  console.log(lines.join('\n'));
  expect(checks.list.filter((check) => !check.passed)).toEqual([]);
  expect(checks.list).toHaveLength(5);
});
