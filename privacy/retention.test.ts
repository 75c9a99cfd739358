/**
 * The retention job on a real database with the reference city: it removes
 * what is past its time from finished events and nothing of unfinished
 * ones, and several runs at once share the work without doing any twice.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createLogger } from '../config/logger';
import { LocalAttachmentStore } from '../intake/attachment-store';
import { seedTestCity } from '../test-support/city';
import { createTestDatabase, type TestDatabase } from '../test-support/database';
import { transaction } from '../db/transaction';
import { erasePerson, runRetention, type RetentionSettings } from './retention';

jest.setTimeout(60_000);

const logger = createLogger('silent');
const SETTINGS: RetentionSettings = { personalDataRetentionDays: 1_095, attachmentRetentionDays: 365, batchSize: 3 };
let database: TestDatabase;
let pool: pg.Pool;
let dir: string;
let store: LocalAttachmentStore;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedTestCity(database.url);
  pool = new pg.Pool({ connectionString: database.url, max: 6 });
  dir = await mkdtemp(path.join(tmpdir(), 'retention-'));
  store = new LocalAttachmentStore(dir);
}, 120_000);
afterAll(async () => {
  await pool?.end();
  await database?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Fixture {
  readonly status: string;
  /** Days since it finished (closed_at for CLOSED, updated_at otherwise). */
  readonly ageDays: number;
  readonly reporter: string;
  readonly duplicateOf?: string;
}

let photoSeq = 0;
async function insertEvent(fixture: Fixture): Promise<{ id: string; storageKey: string }> {
  const at = `now() - make_interval(days => ${fixture.ageDays})`;
  const { rows } = await pool.query<{ id: string }>(
    `insert into public.grid_event (source, category, description, severity, lon, lat, address, grid_code, status, reporter_id, duplicate_of_id, closed_at, updated_at, reported_at)
     values ('citizen_app', 'garbage', 'next to 5 Bayi Avenue, call me on 13800001111', 'low', 115.9, 28.7, '5 Bayi Avenue', 'D01S01C01G01', $1,
             (select id from public.person where code = $2), $3, case when $1 = 'CLOSED' then ${at} end, ${at}, ${at} - interval '2 days')
     returning id::text`,
    [fixture.status, fixture.reporter, fixture.duplicateOf ?? null],
  );
  const id = rows[0].id;
  await pool.query(`insert into public.grid_event_transition (event_id, to_status, actor_id, note) values ($1, 'REPORTED', (select id from public.person where code = $2), 'reported')`, [id, fixture.reporter]);
  await pool.query(`insert into public.feedback (event_id, citizen_id, satisfied, score, comment) values ($1, (select id from public.person where code = $2), true, 5, 'thanks, Li Lei here')`, [id, fixture.reporter]);
  const stored = await store.put(Buffer.from(`photo ${++photoSeq}`));
  await pool.query(
    `insert into public.attachment (event_id, kind, content_type, size, sha256, storage_key) values ($1, 'photo', 'image/jpeg', 10, $2, $3)`,
    [id, stored.sha256, stored.storageKey],
  );
  return { id, storageKey: stored.storageKey };
}

interface EventState {
  reporter: string | null;
  description: string;
  address: string | null;
  removed: boolean;
  attachments: number;
  citizenActors: number;
  feedbackComments: number;
}

async function stateOf(id: string): Promise<EventState> {
  const { rows } = await pool.query<EventState>(
    `select (select code from public.person where id = e.reporter_id) as reporter, e.description, e.address, e.personal_data_removed_at is not null as removed,
            (select count(*)::int from public.attachment a where a.event_id = e.id) as attachments,
            (select count(*)::int from public.grid_event_transition t where t.event_id = e.id and t.actor_id is not null) as "citizenActors",
            (select count(*)::int from public.feedback f where f.event_id = e.id and (f.comment is not null or f.citizen_id is not null)) as "feedbackComments"
       from public.grid_event e where e.id = $1`,
    [id],
  );
  return rows[0];
}

async function fileExists(storageKey: string): Promise<boolean> {
  return (await readdir(path.dirname(store.pathOf(storageKey)))).includes(path.basename(storageKey));
}

const untouched = (reporter: string): EventState => ({
  reporter,
  description: 'next to 5 Bayi Avenue, call me on 13800001111',
  address: '5 Bayi Avenue',
  removed: false,
  attachments: 1,
  citizenActors: 1,
  feedbackComments: 1,
});
const pseudonymised: EventState = { reporter: null, description: '', address: null, removed: true, attachments: 0, citizenActors: 0, feedbackComments: 0 };

test('finished events past their time lose personal data and attachments; open ones, recent ones and merged reports of open events keep everything', async () => {
  const oldOpen = await insertEvent({ status: 'IN_PROGRESS', ageDays: 2_000, reporter: 'citizen-000010' });
  const openSurvivor = await insertEvent({ status: 'ROUTED', ageDays: 1_500, reporter: 'citizen-000011' });
  const mergedIntoOpen = await insertEvent({ status: 'MERGED', ageDays: 1_500, reporter: 'citizen-000012', duplicateOf: openSurvivor.id });
  const oldClosed = Array.from({ length: 7 }, (_, i) => insertEvent({ status: 'CLOSED', ageDays: 1_100 + i, reporter: 'citizen-000013' }));
  const oldRejected = await insertEvent({ status: 'REJECTED', ageDays: 1_200, reporter: 'citizen-000014' });
  const closedSurvivor = await insertEvent({ status: 'CLOSED', ageDays: 1_300, reporter: 'citizen-000015' });
  const mergedIntoClosed = await insertEvent({ status: 'MERGED', ageDays: 1_300, reporter: 'citizen-000016', duplicateOf: closedSurvivor.id });
  const closedLastYear = await insertEvent({ status: 'CLOSED', ageDays: 400, reporter: 'citizen-000017' });
  const closedLastMonth = await insertEvent({ status: 'CLOSED', ageDays: 30, reporter: 'citizen-000018' });
  const closed = await Promise.all(oldClosed);

  // Three runs at once, as three replicas would: each takes rows the others do not hold.
  const pools = [pool, new pg.Pool({ connectionString: database.url, max: 2 }), new pg.Pool({ connectionString: database.url, max: 2 })];
  let results;
  try {
    results = await Promise.all(pools.map((p) => runRetention(p, store, SETTINGS, logger)));
  } finally {
    await Promise.all(pools.slice(1).map((p) => p.end()));
  }
  const total = (key: 'eventsPseudonymised' | 'eventsStrippedOfAttachments') => results.reduce((sum, r) => sum + r[key], 0);
  // 7 closed, 1 rejected, the closed survivor and its merged report: each once, whichever run took it.
  expect(total('eventsPseudonymised')).toBe(10);
  // Attachments alone: the event closed 400 days ago (past 365, short of 1,095).
  expect(total('eventsStrippedOfAttachments')).toBe(1);

  for (const event of [...closed, oldRejected, closedSurvivor, mergedIntoClosed]) {
    expect(await stateOf(event.id)).toEqual(pseudonymised);
    expect(await fileExists(event.storageKey)).toBe(false);
  }
  expect(await stateOf(closedLastYear.id)).toEqual({ ...untouched('citizen-000017'), attachments: 0 });
  expect(await fileExists(closedLastYear.storageKey)).toBe(false);
  expect(await stateOf(oldOpen.id)).toEqual(untouched('citizen-000010'));
  expect(await stateOf(openSurvivor.id)).toEqual(untouched('citizen-000011'));
  expect(await stateOf(mergedIntoOpen.id)).toEqual(untouched('citizen-000012'));
  expect(await stateOf(closedLastMonth.id)).toEqual(untouched('citizen-000018'));
  for (const kept of [oldOpen, openSurvivor, mergedIntoOpen, closedLastMonth]) expect(await fileExists(kept.storageKey)).toBe(true);
  // The citizens themselves stay: retention concerns events; an account goes by its owner's request.
  const { rows } = await pool.query(`select count(*)::int as n from public.person where code like 'citizen-00001%' and phone is not null`);
  expect(rows[0]).toEqual({ n: 10 });

  // A second run finds nothing more to do.
  expect(await runRetention(pool, store, SETTINGS, logger)).toEqual({ eventsPseudonymised: 0, eventsStrippedOfAttachments: 0, erasuresCompleted: 0, filesRemoved: 0, notificationsDeleted: 0 });
});

test('a file another report shares stays while any row refers to it', async () => {
  const shared = await insertEvent({ status: 'CLOSED', ageDays: 1_200, reporter: 'citizen-000020' });
  const sharing = await insertEvent({ status: 'IN_PROGRESS', ageDays: 1, reporter: 'citizen-000021' });
  const { rows } = await pool.query<{ sha256: string }>('select sha256 from public.attachment where event_id = $1', [shared.id]);
  await pool.query(`update public.attachment set sha256 = $1, storage_key = $2 where event_id = $3`, [rows[0].sha256, shared.storageKey, sharing.id]);
  await runRetention(pool, store, SETTINGS, logger);
  expect((await stateOf(shared.id)).removed).toBe(true);
  expect(await fileExists(shared.storageKey)).toBe(true);
});

test('an erasure request removes a citizen\'s finished reports now, the rest as they finish, then the citizen', async () => {
  const done = await insertEvent({ status: 'CLOSED', ageDays: 2, reporter: 'citizen-000030' });
  const open = await insertEvent({ status: 'IN_PROGRESS', ageDays: 1, reporter: 'citizen-000030' });
  const { rows: person } = await pool.query<{ id: string }>(`select id::text from public.person where code = 'citizen-000030'`);
  const personId = person[0].id;
  await pool.query('insert into public.personal_data_erasure (person_id) values ($1)', [personId]);
  const first = await transaction(pool, (tx) => erasePerson(tx, personId));
  expect({ completed: first.completed, erased: first.erased, pending: first.pending }).toEqual({ completed: false, erased: [done.id], pending: [open.id] });
  expect(await stateOf(done.id)).toEqual(pseudonymised);
  expect(await stateOf(open.id)).toEqual(untouched('citizen-000030'));

  // The job keeps trying; while the report is open nothing more happens.
  expect((await runRetention(pool, store, SETTINGS, logger)).erasuresCompleted).toBe(0);
  await pool.query(`update public.grid_event set status = 'CLOSED', closed_at = now() where id = $1`, [open.id]);
  expect((await runRetention(pool, store, SETTINGS, logger)).erasuresCompleted).toBe(1);
  expect(await stateOf(open.id)).toEqual(pseudonymised);
  const { rows } = await pool.query(`select code, name, phone from public.person where id = $1`, [personId]);
  expect(rows[0]).toEqual({ code: `erased-${personId}`, name: '已注销', phone: null });
});

test('notifications past their retention go with their deliveries and link uses, unless a delivery is still pending; two runs share them', async () => {
  const event = await insertEvent({ status: 'IN_PROGRESS', ageDays: 1, reporter: 'citizen-000040' });
  /** A notification to `person` created `ageDays` ago; a citizen's comes with an SMS delivery, a clerk without an e-mail address has none. */
  const notify = async (person: string, ageDays: number, delivery?: 'SENT' | 'FAILED' | 'PENDING'): Promise<string> => {
    const { rows } = await pool.query<{ id: string }>(
      `select public.notify_person((select id from public.person where code = $1), 'event-routed', $2, null, false, 'Your report was routed', '{}')::text as id`,
      [person, event.id],
    );
    const id = rows[0].id;
    await pool.query(`update public.notification set created_at = now() - make_interval(days => $2) where id = $1`, [id, ageDays]);
    if (delivery !== undefined) {
      const { rowCount } = await pool.query(`update public.notification_delivery set state = $2 where notification_id = $1`, [id, delivery]);
      expect(rowCount).toBe(1);
    }
    return id;
  };
  const { rows: clerks } = await pool.query<{ code: string }>(`select code from public.person where role <> 'citizen' order by id limit 1`);
  const clerk = clerks[0].code;
  const sentLongAgo = await Promise.all(Array.from({ length: 5 }, () => notify('citizen-000040', 200, 'SENT')));
  const failedLongAgo = await notify('citizen-000040', 400, 'FAILED');
  const clerksLongAgo = await notify(clerk, 181);
  const stillPending = await notify('citizen-000040', 300, 'PENDING');
  const recent = await notify('citizen-000040', 170, 'SENT');
  // The feedback link of one of the old ones was answered.
  await pool.query('insert into public.feedback_link_use (notification_id) values ($1)', [sentLongAgo[0]]);

  const settings = { ...SETTINGS, notificationRetentionDays: 180 };
  const second = new pg.Pool({ connectionString: database.url, max: 2 });
  let results;
  try {
    results = await Promise.all([runRetention(pool, store, settings, logger), runRetention(second, store, settings, logger)]);
  } finally {
    await second.end();
  }
  expect(results[0].notificationsDeleted + results[1].notificationsDeleted).toBe(7);

  const gone = [...sentLongAgo, failedLongAgo, clerksLongAgo];
  const left = async (table: string, column: string) =>
    (await pool.query<{ id: string }>(`select ${column}::text as id from public.${table} where ${column} = any($1::bigint[]) order by 1`, [[...gone, stillPending, recent]])).rows.map((row) => row.id);
  expect(await left('notification', 'id')).toEqual([stillPending, recent].sort());
  expect(await left('notification_delivery', 'notification_id')).toEqual([stillPending, recent].sort());
  expect(await left('feedback_link_use', 'notification_id')).toEqual([]);
  // Without a setting nothing is deleted, however old.
  await pool.query(`update public.notification set created_at = now() - interval '10 years' where id = $1`, [recent]);
  expect((await runRetention(pool, store, SETTINGS, logger)).notificationsDeleted).toBe(0);
});
