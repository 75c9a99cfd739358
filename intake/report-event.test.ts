/**
 * The intake service end to end: real PostgreSQL with the reference city,
 * a real engine with a stand-in grid-event process, attachments on disk.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createLogger } from '../config/logger';
import { loadGridIndex } from '../orm/geo/load-grid-index';
import { LANDMARKS } from '../test-support/city';
import { eventually } from '../test-support/engine';
import { LocalAttachmentStore, sha256Hex } from './attachment-store';
import { IntakeError, type IntakeErrorCode } from './errors';
import { STAND_IN_JOB_TYPE } from './fixtures/grid-event-stand-in';
import { ATTACHMENT_LIMIT, gridWithPoint, SAMPLES, startIntakeHarness, type IntakeHarness } from './fixtures/intake-harness';
import { ProcessStarts, type ProcessInstanceCreator } from './process-start';
import { IntakeService } from './report-event';
import type { ReportInput } from './validate-report';

jest.setTimeout(60_000);

let h: IntakeHarness;
beforeAll(async () => {
  h = await startIntakeHarness();
}, 120_000);
afterAll(() => h?.stop());
const inGrid = gridWithPoint(4_321);

const report = (overrides: Partial<ReportInput> = {}): ReportInput => ({
  category: 'road_damage',
  lon: inGrid.lon,
  lat: inGrid.lat,
  description: 'A deep pothole in the cycle lane',
  severity: 'high',
  source: 'citizen_app',
  reporterCode: 'citizen-000001',
  address: '12 Zhongshan Road',
  ...overrides,
});

async function refusal(input: ReportInput, service: IntakeService = h.intake.service): Promise<IntakeError> {
  const before = await h.stored();
  try {
    await service.reportEvent(input);
  } catch (error) {
    expect(error).toBeInstanceOf(IntakeError);
    // Nothing stored half-way: no row, no file.
    expect(await h.stored()).toEqual(before);
    return error as IntakeError;
  }
  throw new Error('expected the report to be refused');
}

test('a report at a point lands in its grid, with its timeline, attachments and a started grid-event instance', async () => {
  const reported = await h.intake.service.reportEvent(report({ attachments: [{ bytes: SAMPLES.jpeg, declaredType: 'image/jpeg' }, { bytes: SAMPLES.amr }] }));
  expect(reported).toMatchObject({ status: 'REPORTED', gridCode: inGrid.code });
  expect(reported.processInstanceKey).toMatch(/^\d+$/);
  expect(reported.attachments.map(({ kind, contentType }) => ({ kind, contentType }))).toEqual([
    { kind: 'photo', contentType: 'image/jpeg' },
    { kind: 'voice', contentType: 'audio/amr' },
  ]);
  // The voice message as it came; the photo encoded anew (strip-metadata.test.ts).
  expect(reported.attachments[1].size).toBe(SAMPLES.amr.length);

  const { rows } = await h.te.pool.query(
    `select e.status, e.grid_code, e.process_instance_key::text as key, p.code as reporter, e.severity, e.source,
            (select json_agg(json_build_object('from', t.from_status, 'to', t.to_status, 'actor', t.actor_id is not null)) from grid_event_transition t where t.event_id = e.id) as timeline,
            (select count(*)::int from intake_process_start s where s.event_id = e.id) as outbox
       from grid_event e join person p on p.id = e.reporter_id where e.id = $1`,
    [reported.eventId],
  );
  expect(rows[0]).toEqual({
    status: 'REPORTED',
    grid_code: inGrid.code,
    key: reported.processInstanceKey,
    reporter: 'citizen-000001',
    severity: 'high',
    source: 'citizen_app',
    timeline: [{ from: null, to: 'REPORTED', actor: true }],
    outbox: 0,
  });

  // The instance got the variables the grid-event process expects.
  const jobs = await eventually(async () => {
    const activated = await h.zbc.activateJobs({ type: STAND_IN_JOB_TYPE, worker: 'intake-test', maxJobsToActivate: 10, requestTimeout: 1_000, timeout: 60_000 });
    return activated.find((job) => job.processInstanceKey === reported.processInstanceKey);
  }, { what: 'the stand-in collect job' });
  expect(jobs.variables).toEqual({
    eventId: String(reported.eventId),
    category: 'road_damage',
    severity: 'high',
    source: 'citizen_app',
    gridCode: inGrid.code,
    location: { lon: inGrid.lon, lat: inGrid.lat },
  });

  // Stored by content hash, durable on disk.
  const store = new LocalAttachmentStore(h.attachmentDir);
  const [photo] = (await h.te.pool.query<{ sha256: string; storage_key: string }>(`select sha256, storage_key from attachment where event_id = $1 order by id`, [reported.eventId])).rows;
  const content = await readFile(store.pathOf(photo.storage_key));
  expect(photo.sha256).toBe(sha256Hex(content));
  expect(content.length).toBe(reported.attachments[0].size);
  expect(path.basename(photo.storage_key)).toBe(photo.sha256);
});

test('the same photo twice is stored once', async () => {
  const photo = { bytes: SAMPLES.png, declaredType: 'image/png' };
  await h.intake.service.reportEvent(report({ attachments: [photo] }));
  const before = (await h.stored()).files;
  const again = await h.intake.service.reportEvent(report({ attachments: [photo], reporterCode: undefined, source: 'grid_worker' }));
  expect(again.attachments).toHaveLength(1);
  expect((await h.stored()).files).toBe(before);
});

test.each<[string, Partial<ReportInput>, IntakeErrorCode, string | undefined]>([
  ['outside every grid', { lon: 116.4, lat: 39.9 }, 'OUTSIDE_CITY', 'location'],
  ['an unknown category', { category: 'alien_landing' }, 'UNKNOWN_CATEGORY', 'category'],
  ['a latitude that is no number', { lat: 'north' }, 'INVALID_LOCATION', 'lat'],
  ['no longitude', { lon: undefined }, 'MISSING_FIELD', 'lon'],
  ['an empty description', { description: '   ' }, 'INVALID_DESCRIPTION', 'description'],
  ['a description that is too long', { description: 'x'.repeat(4_001) }, 'INVALID_DESCRIPTION', 'description'],
  ['a severity outside the vocabulary', { severity: '5' }, 'INVALID_SEVERITY', 'severity'],
  ['a source outside the vocabulary', { source: 'twitter' }, 'INVALID_SOURCE', 'source'],
  ['an unknown reporter', { reporterCode: 'citizen-999999999' }, 'UNKNOWN_REPORTER', 'reporter'],
  ['an oversized attachment', { attachments: [{ bytes: SAMPLES.png }, { bytes: Buffer.concat([SAMPLES.jpeg, Buffer.alloc(ATTACHMENT_LIMIT)]) }] }, 'ATTACHMENT_TOO_LARGE', 'attachments[1]'],
  ['an attachment that is no photo, voice or video', { attachments: [{ bytes: SAMPLES.pdf, declaredType: 'image/jpeg' }] }, 'ATTACHMENT_TYPE_NOT_ALLOWED', 'attachments[0]'],
  ['an attachment whose declared type lies', { attachments: [{ bytes: SAMPLES.jpeg, declaredType: 'video/mp4' }] }, 'ATTACHMENT_TYPE_NOT_ALLOWED', 'attachments[0]'],
  ['a declared type that is not allowed', { attachments: [{ bytes: SAMPLES.jpeg, declaredType: 'image/gif' }] }, 'ATTACHMENT_TYPE_NOT_ALLOWED', 'attachments[0]'],
  ['ten attachments', { attachments: Array.from({ length: 10 }, () => ({ bytes: SAMPLES.png })) }, 'TOO_MANY_ATTACHMENTS', 'attachments'],
])('refuses %s, naming the field, and stores nothing', async (_, overrides, code, field) => {
  const error = await refusal(report(overrides));
  expect(error.code).toBe(code);
  expect(error.field).toBe(field);
  expect(error.message).toContain(field === 'location' ? 'outside every grid' : field);
});

test('a transaction that fails after the files were written takes its new files back', async () => {
  const starts = new ProcessStarts(h.orm.em, h.zbc, createLogger('silent'));
  jest.spyOn(starts, 'enqueue').mockRejectedValueOnce(new Error('database went away'));
  const service = new IntakeService({ em: h.orm.em, grids: { findGrid: () => inGrid.code }, store: new LocalAttachmentStore(h.attachmentDir), starts, logger: createLogger('silent') });
  const before = await h.stored();
  const fresh = Buffer.concat([SAMPLES.mp4, Buffer.from('never kept')]);
  await expect(service.reportEvent(report({ attachments: [{ bytes: fresh, declaredType: 'video/mp4' }, { bytes: SAMPLES.png }] }))).rejects.toThrow('database went away');
  // The PNG stored by an earlier report stays; the new video is gone.
  expect(await h.stored()).toEqual(before);
});

test('a failed start leaves the event REPORTED in the outbox; the retry starts it', async () => {
  const down: ProcessInstanceCreator = { createProcessInstance: () => Promise.reject(new Error('14 UNAVAILABLE: no connection')) };
  const logger = createLogger('silent');
  const failing = new ProcessStarts(h.orm.em, down, logger, { leaseMs: 0 });
  const service = new IntakeService({ em: h.orm.em, grids: { findGrid: () => inGrid.code }, store: new LocalAttachmentStore(h.attachmentDir), starts: failing, logger });

  const reported = await service.reportEvent(report());
  expect(reported.processInstanceKey).toBeUndefined();
  const outbox = async () => (await h.te.pool.query<{ attempts: number; last_error: string | null }>(`select attempts, last_error from intake_process_start where event_id = $1`, [reported.eventId])).rows;
  expect(await outbox()).toEqual([{ attempts: 0, last_error: '14 UNAVAILABLE: no connection' }]);
  const event = async () => (await h.te.pool.query<{ status: string; key: string | null }>(`select status, process_instance_key::text as key from grid_event where id = $1`, [reported.eventId])).rows[0];
  expect(await event()).toEqual({ status: 'REPORTED', key: null });

  await failing.retryDue();
  expect((await outbox())[0]).toMatchObject({ attempts: 1 });

  // The engine is back: the next round starts it and empties the outbox.
  await h.te.pool.query(`update intake_process_start set next_attempt_at = now() where event_id = $1`, [reported.eventId]);
  await new ProcessStarts(h.orm.em, h.zbc, logger, { leaseMs: 0 }).retryDue();
  expect(await outbox()).toEqual([]);
  expect((await event()).key).toMatch(/^\d+$/);
});

test('a start does not wait for the collect step holding its event: the outbox row goes, the key is left to collect', async () => {
  const collect = await h.te.pool.connect();
  // The instance's collect step, pushed its job before the start's answer arrives, locks the event as it does.
  const collecting: ProcessInstanceCreator = {
    createProcessInstance: async ({ variables }) => {
      await collect.query('begin');
      await collect.query('select id from grid_event where id = $1 for update', [Number(variables.eventId)]);
      return { processInstanceKey: '2251799813999001' };
    },
  };
  const logger = createLogger('silent');
  const service = new IntakeService({ em: h.orm.em, grids: { findGrid: () => inGrid.code }, store: new LocalAttachmentStore(h.attachmentDir), starts: new ProcessStarts(h.orm.em, collecting, logger), logger });
  try {
    const reported = await service.reportEvent(report());
    expect(reported.processInstanceKey).toBe('2251799813999001');
    const { rows } = await h.te.pool.query(
      `select e.process_instance_key::text as key, (select count(*)::int from intake_process_start s where s.event_id = e.id) as outbox from grid_event e where e.id = $1`,
      [reported.eventId],
    );
    expect(rows[0]).toEqual({ key: null, outbox: 0 });
  } finally {
    await collect.query('rollback');
    collect.release();
  }
});

test('an engine that does not answer holds no report: the start times out into the outbox', async () => {
  const hung: ProcessInstanceCreator = { createProcessInstance: () => new Promise(() => undefined) };
  const logger = createLogger('silent');
  const starts = new ProcessStarts(h.orm.em, hung, logger, { attemptTimeoutMs: 200 });
  const service = new IntakeService({ em: h.orm.em, grids: { findGrid: () => inGrid.code }, store: new LocalAttachmentStore(h.attachmentDir), starts, logger });
  const started = Date.now();
  const reported = await service.reportEvent(report());
  expect(Date.now() - started).toBeLessThan(2_000);
  expect(reported.processInstanceKey).toBeUndefined();
  const { rows } = await h.te.pool.query(`select last_error from intake_process_start where event_id = $1`, [reported.eventId]);
  expect(rows).toEqual([{ last_error: 'no answer from the Zeebe gateway within 200 ms' }]);
});

describe('where a report lands', () => {
  const placedAt = async (eventId: number) =>
    (
      await h.te.pool.query<{ grid_code: string; district_name: string; street_name: string; community_code: string; lon: number; lat: number; note: string }>(
        `select e.grid_code, g.district_name, g.street_name, g.community_code, e.lon, e.lat, t.note
           from grid_event e join grid g on g.code = e.grid_code join grid_event_transition t on t.event_id = e.id where e.id = $1`,
        [eventId],
      )
    ).rows[0];

  test('a report at a real place lands in a grid of the district it is in', async () => {
    for (const landmark of [LANDMARKS.tengwangPavilion, LANDMARKS.shengjinPagoda, LANDMARKS.qingshanLake]) {
      const reported = await h.intake.service.reportEvent(report({ lon: landmark.lon, lat: landmark.lat }));
      expect(await placedAt(reported.eventId)).toMatchObject({ district_name: landmark.districtName, lon: landmark.lon, lat: landmark.lat });
    }
  });

  test('GCJ-02 coordinates (a Chinese map SDK\'s) are converted to WGS-84, about 600 m back west-north-west, before they are placed', async () => {
    const gcj = LANDMARKS.tengwangPavilionGcj02;
    const wgs = LANDMARKS.tengwangPavilion;
    const reported = await h.intake.service.reportEvent(report({ lon: gcj.lon, lat: gcj.lat, crs: 'GCJ-02' }));
    const placed = await placedAt(reported.eventId);
    expect(placed.lon).toBeCloseTo(wgs.lon, 5);
    expect(placed.lat).toBeCloseTo(wgs.lat, 5);
    expect(placed.district_name).toBe('东湖区');
    expect(placed.note).toBe('reported through citizen_app; coordinates converted from GCJ02');
    const metres = Math.hypot((gcj.lon - placed.lon) * 111_320 * Math.cos((wgs.lat * Math.PI) / 180), (gcj.lat - placed.lat) * 110_574);
    expect(metres).toBeGreaterThan(550);
    expect(metres).toBeLessThan(650);
    // Taken as WGS-84, the same numbers would be another place, some 600 m off.
    const asIs = await h.intake.service.reportEvent(report({ lon: gcj.lon, lat: gcj.lat }));
    expect((await placedAt(asIs.eventId)).lon).toBe(gcj.lon);
  });

  test('text holding U+0000, which PostgreSQL cannot store, is refused naming the field', async () => {
    const error = await refusal(report({ address: 'No. 1\u0000 Bayi Avenue' }));
    expect({ code: error.code, field: error.field, message: error.message }).toEqual({
      code: 'INVALID_FIELD',
      field: 'address',
      message: 'address: contains the character U+0000, which cannot be stored; remove it',
    });
  });

  test('a datum the service does not know is refused, naming the field', async () => {
    const error = await refusal(report({ crs: 'BD09' }));
    expect({ code: error.code, field: error.field, message: error.message }).toEqual({ code: 'INVALID_FIELD', field: 'crs', message: 'crs: expected one of WGS84, GCJ02, got "BD09"' });
  });

  const byAddress = (address: string) => report({ lon: undefined, lat: undefined, source: 'hotline_12345', reporterCode: undefined, address });

  test('a hotline report with an address and no coordinates is placed in the community it names, at a point the grid index agrees with', async () => {
    const reported = await h.intake.service.reportEvent(byAddress('南昌市东湖区滕王阁街道民巷社区 12号'));
    const placed = await placedAt(reported.eventId);
    expect(placed).toMatchObject({ community_code: '360102002001', note: 'reported through hotline_12345; no coordinates: placed in 民巷社区 (community), which the address names' });
    const index = await loadGridIndex(h.te.pool);
    expect(index.findGrid(placed.lon, placed.lat)).toBe(placed.grid_code);
  });

  test('an address naming only a town is placed in that town; one naming nothing of the city is still taken, for the command centre to place', async () => {
    const town = await placedAt((await h.intake.service.reportEvent(byAddress('安义县万埠镇, by the bridge'))).eventId);
    expect(town.street_name).toBe('万埠镇');
    expect(town.note).toContain('placed in 万埠镇 (street)');
    const nowhere = await h.intake.service.reportEvent(byAddress('the caller could not say where'));
    expect(nowhere.status).toBe('REPORTED');
    expect((await placedAt(nowhere.eventId)).note).toContain('the command centre places it');
  });

  test('without coordinates or an address, a report is refused as before', async () => {
    const error = await refusal(report({ lon: undefined, lat: undefined, address: undefined }));
    expect({ code: error.code, field: error.field }).toEqual({ code: 'MISSING_FIELD', field: 'lon' });
  });
});
