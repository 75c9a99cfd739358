/**
 * Citizens' personal data through the API: photos come out of the download
 * URL without their metadata; every read by staff is on record (in
 * batches), append-only, and readable by administrators page by page; a
 * citizen exports their data and asks for it to be deleted.
 */
import { expect } from '@jest/globals';
import exifr from 'exifr';
import sharp from 'sharp';
import { apiError, useApiHarness } from './api-harness';

jest.setTimeout(90_000);

const h = useApiHarness();
const GRID = 'D01S01C01G01';
const WORKER = `gw-${GRID}`;

async function personId(code: string): Promise<string> {
  return (await h.grid.te.pool.query<{ id: string }>('select id::text from public.person where code = $1', [code])).rows[0].id;
}

/** An event straight into the database, in the given status, reported by `reporter`. */
async function insertEvent(reporter: string, status: string): Promise<string> {
  const { rows } = await h.grid.te.pool.query<{ id: string }>(
    `insert into public.grid_event (source, category, description, severity, lon, lat, address, grid_code, status, level, departments, reporter_id, closed_at)
     values ('citizen_app', 'garbage', 'bins by my door', 'low', 115.9, 28.7, '3 Ruzi Road', $1, $2, 'DEPARTMENT', array['sanitation'],
             (select id from public.person where code = $3), case when $2 = 'CLOSED' then now() end)
     returning id::text`,
    [GRID, status, reporter],
  );
  return rows[0].id;
}

const readsOf = async (reader: string) =>
  (await h.grid.te.pool.query<{ field: string; masked: boolean; event_id: string; subject: string; channel: string; batch: string }>(
    `select r.field, r.masked, r.event_id::text, p.code as subject, r.channel, r.xmin::text as batch
       from public.personal_data_read r left join public.person p on p.id = r.subject_person_id where r.reader_code = $1 order by r.id`,
    [reader],
  )).rows;

test('a photo with GPS EXIF, reported through GraphQL, comes out of the download URL without it; a staff download is on record', async () => {
  const photo = await sharp({ create: { width: 6, height: 6, channels: 3, background: '#888' } })
    .withExif({ IFD0: { Make: 'Phone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '28/1 41/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '115/1 53/1 0/1' } })
    .jpeg()
    .toBuffer();
  expect(await exifr.gps(photo)).toBeDefined();
  const point = await h.grid.pointIn(GRID);
  const citizen = await h.as('citizen-000005');
  const { reportEvent } = await citizen.request<{ reportEvent: { id: string; attachments: { id: string; sha256: string }[] } }>(
    'mutation R($input: ReportEventInput!) { reportEvent(input: $input) { id attachments { id sha256 } } }',
    { input: { category: 'garbage', description: 'pile of rubbish', severity: 'LOW', ...point, attachments: [{ contentBase64: photo.toString('base64'), contentType: 'image/jpeg' }] } },
  );
  const url = `${h.origin}/attachments/${reportEvent.attachments[0].id}`;
  for (const code of ['citizen-000005', WORKER]) {
    const response = await fetch(url, { headers: { authorization: `Bearer ${await h.token(code)}` } });
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(await exifr.parse(bytes, true)).toBeUndefined();
    expect((await sharp(bytes).metadata()).exif).toBeUndefined();
  }
  // The reporter's own download is no staff read; the grid worker's is.
  expect(await readsOf('citizen-000005')).toEqual([]);
  expect((await readsOf(WORKER)).filter((r) => r.field === 'attachment')).toEqual([
    { field: 'attachment', masked: false, event_id: reportEvent.id, subject: 'citizen-000005', channel: 'attachment', batch: expect.any(String) },
  ]);
});

test('a page of events read by staff puts one row per name and phone read on record, in one batch', async () => {
  const reporters = ['citizen-000101', 'citizen-000102', 'citizen-000103', 'citizen-000104', 'citizen-000105'];
  const ids = await Promise.all(reporters.map((code) => insertEvent(code, 'ROUTED')));
  const manager = await h.as('manager-city-2');
  const { events } = await manager.request<{ events: { edges: { node: { id: string; reporter: { name: string; phone: string } | null } }[] } }>(
    '{ events(first: 100, filter: { status: [ROUTED] }) { edges { node { id reporter { name phone } } } } }',
  );
  const shown = events.edges.filter((edge) => edge.node.reporter !== null);
  expect(shown.map((edge) => edge.node.id)).toEqual(expect.arrayContaining(ids));
  const reads = await readsOf('manager-city-2');
  // Every name and every phone shown, each once, naming its event and its citizen.
  expect(reads).toHaveLength(shown.length * 2);
  for (const id of ids) {
    const [code] = reporters.filter((_, i) => ids[i] === id);
    expect(reads.filter((r) => r.event_id === id).map((r) => [r.field, r.subject, r.masked, r.channel]).sort()).toEqual([
      ['name', code, false, 'graphql'],
      ['phone', code, false, 'graphql'],
    ]);
  }
  // One statement for the whole page: the rows share their inserting transaction.
  expect(new Set(reads.map((r) => r.batch)).size).toBe(1);
});

test('the record is append-only: updates, deletes and truncation are refused, even to the service\'s own database user', async () => {
  const before = (await h.grid.te.pool.query<{ n: number }>('select count(*)::int as n from public.personal_data_read')).rows[0].n;
  expect(before).toBeGreaterThan(0);
  for (const statement of [
    'update public.personal_data_read set masked = true',
    "delete from public.personal_data_read where reader_code = 'manager-city-2'",
    'truncate public.personal_data_read',
  ]) {
    await expect(h.grid.te.pool.query(statement)).rejects.toThrow(/append-only/);
  }
  expect((await h.grid.te.pool.query<{ n: number }>('select count(*)::int as n from public.personal_data_read')).rows[0].n).toBe(before);
});

test('administrators read the record page by page and by filter; no one else may', async () => {
  const admin = await h.as('admin-1');
  const QUERY = 'query Q($after: String, $filter: PersonalDataReadFilter) { personalDataReads(first: 3, after: $after, filter: $filter) { edges { node { id readerCode readerRole subjectCode event field masked channel readAt } } pageInfo { hasNextPage endCursor } } }';
  type Page = { personalDataReads: { edges: { node: { id: string; readerCode: string; field: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
  const seen: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page: Page = await admin.request<Page>(QUERY, { after, filter: { readerCode: 'manager-city-2' } });
    expect(page.personalDataReads.edges.length).toBeLessThanOrEqual(3);
    seen.push(...page.personalDataReads.edges.map((e) => e.node.id));
    expect(page.personalDataReads.edges.every((e) => e.node.readerCode === 'manager-city-2')).toBe(true);
    if (!page.personalDataReads.pageInfo.hasNextPage) break;
    after = page.personalDataReads.pageInfo.endCursor;
  }
  const expected = (await readsOf('manager-city-2')).length;
  expect(seen).toHaveLength(expected);
  expect(new Set(seen).size).toBe(expected);
  // Newest first.
  expect(seen.map(Number)).toEqual([...seen.map(Number)].sort((a, b) => b - a));
  for (const code of ['citizen-000001', WORKER, 'clerk-sanitation-001', 'manager-sanitation', 'manager-city-1']) {
    expect((await apiError((await h.as(code)).request('{ personalDataReads { edges { node { id } } } }'))).code).toBe('FORBIDDEN');
  }
});

test('a citizen exports their own data: themselves in full, their reports with attachments, their feedback', async () => {
  const code = 'citizen-000201';
  const open = await insertEvent(code, 'ROUTED');
  const closed = await insertEvent(code, 'CLOSED');
  await h.grid.te.pool.query(`insert into public.feedback (event_id, citizen_id, satisfied, score, comment) values ($1, $2, true, 4, 'quick work')`, [closed, await personId(code)]);
  const { rows } = await h.grid.te.pool.query<{ name: string; phone: string }>('select name, phone from public.person where code = $1', [code]);
  const { myPersonalData } = await (await h.as(code)).request<{ myPersonalData: Record<string, unknown> }>(
    '{ myPersonalData { exportedAt person { code name phone } reports { id description address status attachments { id } } feedback { event satisfied score comment } erasure { requestedAt } } }',
  );
  expect(myPersonalData).toEqual({
    exportedAt: expect.any(String),
    person: { code, name: rows[0].name, phone: rows[0].phone },
    reports: [
      { id: open, description: 'bins by my door', address: '3 Ruzi Road', status: 'ROUTED', attachments: [] },
      { id: closed, description: 'bins by my door', address: '3 Ruzi Road', status: 'CLOSED', attachments: [] },
    ],
    feedback: [{ event: closed, satisfied: true, score: 4, comment: 'quick work' }],
    erasure: null,
  });
  expect((await apiError((await h.as('manager-city-1')).request('{ myPersonalData { exportedAt } }'))).code).toBe('FORBIDDEN');
});

test('a citizen asks for deletion: finished reports are pseudonymised at once, open ones wait for their end, the account after them', async () => {
  const code = 'citizen-000202';
  const open = await insertEvent(code, 'IN_PROGRESS');
  const closed = await insertEvent(code, 'CLOSED');
  const citizen = await h.as(code);
  const MUTATION = 'mutation { requestDataErasure { requestedAt completedAt pendingEvents } }';
  const { requestDataErasure } = await citizen.request<{ requestDataErasure: { completedAt: string | null; pendingEvents: string[] } }>(MUTATION);
  expect(requestDataErasure).toEqual({ requestedAt: expect.any(String), completedAt: null, pendingEvents: [open] });
  // Asking again changes nothing.
  expect((await citizen.request<{ requestDataErasure: unknown }>(MUTATION)).requestDataErasure).toEqual({ ...requestDataErasure, requestedAt: expect.any(String) });

  const state = async (id: string) =>
    (await h.grid.te.pool.query<Record<string, unknown>>('select reporter_id is not null as reporter, description, address, personal_data_removed_at is not null as removed from public.grid_event where id = $1', [id])).rows[0];
  expect(await state(closed)).toEqual({ reporter: false, description: '', address: null, removed: true });
  expect(await state(open)).toEqual({ reporter: true, description: 'bins by my door', address: '3 Ruzi Road', removed: false });
  // While a report is open its handlers still reach the reporter.
  const { event } = await (await h.as('manager-city-1')).request<{ event: { reporter: { code: string } } }>('query E($id: ID!) { event(id: $id) { reporter { code } } }', { id: open });
  expect(event.reporter.code).toBe(code);
  const { myPersonalData } = await citizen.request<{ myPersonalData: { reports: { id: string }[]; erasure: { pendingEvents: string[] } } }>(
    '{ myPersonalData { reports { id } erasure { pendingEvents } } }',
  );
  expect(myPersonalData).toEqual({ reports: [{ id: open }], erasure: { pendingEvents: [open] } });
  expect((await apiError((await h.as('citizen-000203')).request('{ personalDataReads { edges { node { id } } } }'))).code).toBe('FORBIDDEN');
});
