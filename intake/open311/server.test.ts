/**
 * Open311 GeoReport v2 over real HTTP, on the real intake: PostgreSQL with
 * the reference city, a real engine with the stand-in grid-event process.
 */
// Typed asymmetric matchers (the global ones are `any`).
import { expect } from '@jest/globals';
import { LANDMARKS } from '../../test-support/city';
import { eventually } from '../../test-support/engine';
import { issueApiKey } from './api-keys';
import { gridWithPoint, SAMPLES, startIntakeHarness, type IntakeHarness, ATTACHMENT_LIMIT } from '../fixtures/intake-harness';

jest.setTimeout(60_000);

let h: IntakeHarness;
beforeAll(async () => {
  h = await startIntakeHarness();
}, 120_000);
afterAll(() => h?.stop());
const inGrid = gridWithPoint(777);

interface Open311Error {
  code: number;
  description: string;
  error: string;
  field: string | null;
}

const form = (fields: Record<string, string>): URLSearchParams => new URLSearchParams(fields);

const request = (fields: Record<string, string> = {}): Record<string, string> => ({
  api_key: h.apiKey,
  service_code: 'illegal_parking',
  lat: String(inGrid.lat),
  long: String(inGrid.lon),
  description: 'Truck parked on the pavement for three days',
  address_string: '8 Hanzhong Road',
  ...fields,
});

async function post(body: RequestInit['body'], headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${h.baseUrl}/requests.json`, { method: 'POST', body, headers });
  return { status: response.status, json: await response.json() };
}

async function refused(body: RequestInit['body'], status: number, error: string, headers: Record<string, string> = {}): Promise<Open311Error> {
  const before = await h.stored();
  const reply = await post(body, headers);
  expect(reply.status).toBe(status);
  const errors = reply.json as Open311Error[];
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ code: status, error });
  expect(typeof errors[0].description).toBe('string');
  expect(await h.stored()).toEqual(before);
  return errors[0];
}

test('an address_string without lat and long is placed by the street it names; crs=GCJ-02 coordinates are converted', async () => {
  const { lat: _, long: __, ...addressOnly } = request({ address_string: '南昌市西湖区南浦街道' });
  const placed = await post(form(addressOnly));
  expect(placed.status).toBe(201);
  const placedId = (placed.json as { service_request_id: string }[])[0].service_request_id;
  const gcj = LANDMARKS.tengwangPavilionGcj02;
  const converted = await post(form(request({ lat: String(gcj.lat), long: String(gcj.lon), crs: 'GCJ-02' })));
  expect(converted.status).toBe(201);
  const convertedId = (converted.json as { service_request_id: string }[])[0].service_request_id;
  const { rows } = await h.te.pool.query<{ id: string; street_name: string; district_name: string; lon: number; lat: number }>(
    `select e.id::text, g.street_name, g.district_name, e.lon, e.lat from grid_event e join grid g on g.code = e.grid_code where e.id = any($1::bigint[]) order by e.id`,
    [[placedId, convertedId]],
  );
  expect(rows[0]).toMatchObject({ street_name: '南浦街道', district_name: '西湖区' });
  expect(rows[1].district_name).toBe('东湖区');
  expect(rows[1].lon).toBeCloseTo(LANDMARKS.tengwangPavilion.lon, 5);
  expect(rows[1].lat).toBeCloseTo(LANDMARKS.tengwangPavilion.lat, 5);
});

test('services.json lists every category as a service', async () => {
  const response = await fetch(`${h.baseUrl}/services.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  const services = (await response.json()) as { service_code: string; service_name: string; metadata: boolean; type: string; keywords: string }[];
  expect(services).toHaveLength(60);
  expect(services.find((service) => service.service_code === 'illegal_parking')).toEqual({
    service_code: 'illegal_parking',
    service_name: 'Illegal parking',
    description: 'Illegal parking',
    metadata: false,
    type: 'realtime',
    keywords: 'traffic_police,urban_management',
    group: '',
  });
});

test('POST requests.json, form-encoded: the event lands in its grid as the hotline\'s, its instance started', async () => {
  const reply = await post(form(request()));
  expect(reply.status).toBe(201);
  const [created] = reply.json as { service_request_id: string; service_notice: string | null }[];
  expect(created.service_request_id).toMatch(/^\d+$/);
  const row = (await h.te.pool.query<{ source: string; category: string; grid_code: string | null; address: string | null; severity: string; key: string | null }>(`select source, category, grid_code, address, severity, process_instance_key::text as key from grid_event where id = $1`, [created.service_request_id])).rows[0];
  expect(row).toMatchObject({ source: 'hotline_12345', category: 'illegal_parking', grid_code: inGrid.code, address: '8 Hanzhong Road', severity: 'medium' });
  expect(row.key).toMatch(/^\d+$/);

  const single = await fetch(`${h.baseUrl}/requests/${created.service_request_id}.json?api_key=${h.apiKey}`);
  expect(single.status).toBe(200);
  expect(await single.json()).toEqual([
    expect.objectContaining({
      service_request_id: created.service_request_id,
      status: 'open',
      detailed_status: 'REPORTED',
      service_code: 'illegal_parking',
      service_name: 'Illegal parking',
      lat: inGrid.lat,
      long: inGrid.lon,
      grid_code: inGrid.code,
      status_notes: 'reported through hotline_12345',
    }),
  ]);
});

test('POST requests.json as JSON, with a severity attribute', async () => {
  const reply = await post(JSON.stringify({ ...request(), lat: inGrid.lat, long: inGrid.lon, 'attribute[severity]': 'critical', service_code: 'gas_leak' }), { 'content-type': 'application/json' });
  expect(reply.status).toBe(201);
  const [created] = reply.json as { service_request_id: string }[];
  expect((await h.te.pool.query(`select severity, category from grid_event where id = $1`, [created.service_request_id])).rows[0]).toEqual({ severity: 'critical', category: 'gas_leak' });
});

test('POST requests.json with the api_key in the query, as some clients send it', async () => {
  const { api_key: key, ...fields } = request();
  const response = await fetch(`${h.baseUrl}/requests.json?api_key=${key}`, { method: 'POST', body: form(fields) });
  expect(response.status).toBe(201);
});

test('POST requests.json as multipart with a photo and a voice message', async () => {
  const body = new FormData();
  for (const [name, value] of Object.entries(request({ service_code: 'garbage' }))) body.set(name, value);
  body.append('media', new Blob([SAMPLES.png], { type: 'image/png' }), 'pile.png');
  body.append('media', new Blob([SAMPLES.amr], { type: 'audio/amr' }), 'voice.amr');
  const reply = await post(body);
  expect(reply.status).toBe(201);
  const [created] = reply.json as { service_request_id: string }[];
  const { rows } = await h.te.pool.query(`select kind, content_type from attachment where event_id = $1 order by id`, [created.service_request_id]);
  expect(rows).toEqual([
    { kind: 'photo', content_type: 'image/png' },
    { kind: 'voice', content_type: 'audio/amr' },
  ]);
});

test("GET requests.json and requests/<id>.json name no reporter: neither a name nor a phone number, masked or not", async () => {
  const id = ((await post(form(request({ service_code: 'garbage' })))).json as { service_request_id: string }[])[0].service_request_id;
  const { rows } = await h.te.pool.query<{ name: string; phone: string }>(
    `update grid_event set reporter_id = (select id from person where code = 'citizen-000003') where id = $1
     returning (select name from person where code = 'citizen-000003'), (select phone from person where code = 'citizen-000003')`,
    [id],
  );
  const reporter = rows[0];
  for (const url of [`${h.baseUrl}/requests/${id}.json?api_key=${h.apiKey}`, `${h.baseUrl}/requests.json?api_key=${h.apiKey}&service_request_id=${id}`]) {
    const text = await (await fetch(url)).text();
    expect(text).toContain(`"service_request_id":"${id}"`);
    expect(text).not.toContain(reporter.name);
    expect(text).not.toContain(reporter.phone);
    expect(text).not.toContain('****');
  }
});

test('GET requests.json filters by id, service code, dates and status', async () => {
  const a = ((await post(form(request({ service_code: 'noise' })))).json as { service_request_id: string }[])[0].service_request_id;
  const b = ((await post(form(request({ service_code: 'street_light' })))).json as { service_request_id: string }[])[0].service_request_id;
  await h.te.pool.query(`update grid_event set status = 'CLOSED' where id = $1`, [b]);
  const get = async (query: string): Promise<string[]> => {
    const response = await fetch(`${h.baseUrl}/requests.json?api_key=${h.apiKey}&${query}`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { service_request_id: string }[]).map((r) => r.service_request_id);
  };
  expect(await get(`service_request_id=${a},${b}`)).toEqual([b, a]);
  expect(await get('service_code=noise')).toEqual([a]);
  expect(await get('service_code=street_light&status=closed')).toEqual([b]);
  expect(await get('service_code=street_light&status=open')).toEqual([]);
  expect(await get(`start_date=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`)).toEqual([]);
  expect(await get('end_date=2020-01-01T00:00:00Z')).toEqual([]);
  expect((await get('')).length).toBeGreaterThanOrEqual(2);
});

describe('errors, in Open311\'s format, with nothing stored', () => {
  test('missing and invalid api_key: 403', async () => {
    const { api_key: _, ...anonymous } = request();
    const missing = await refused(form(anonymous), 403, 'API_KEY_REQUIRED');
    const invalid = await refused(form(request({ api_key: 'not-a-key' })), 403, 'INVALID_API_KEY');
    // One shape for both: GeoReport v2's 403 with the same fields, the field named api_key.
    expect(missing).toMatchObject({ field: 'api_key' });
    expect(invalid).toMatchObject({ field: 'api_key' });
    expect(Object.keys(invalid).sort()).toEqual(Object.keys(missing).sort());
    expect((await fetch(`${h.baseUrl}/requests.json`)).status).toBe(403);
    expect((await fetch(`${h.baseUrl}/requests/1.json?api_key=wrong`)).status).toBe(403);
  });

  test('a revoked key no longer works', async () => {
    const key = await issueApiKey(h.te.pool, 'retired system', 'digital_city');
    await h.te.pool.query(`update intake_api_key set revoked_at = now() where name = 'retired system'`);
    await refused(form(request({ api_key: key })), 403, 'INVALID_API_KEY');
  });

  test('malformed requests: 400 naming the field', async () => {
    expect(await refused(form(request({ lat: 'abc' })), 400, 'INVALID_LOCATION')).toMatchObject({ field: 'lat' });
    // Open311's names for the fields, in `field` and in the description, never the intake's own (category, lon, location).
    expect(await refused(form(request({ long: 'abc' })), 400, 'INVALID_LOCATION')).toMatchObject({ field: 'long', description: expect.stringMatching(/^long: /) });
    expect(await refused(form(request({ service_code: 'ufo' })), 400, 'UNKNOWN_CATEGORY')).toMatchObject({ field: 'service_code', description: expect.stringMatching(/^service_code: /) });
    const { service_code: ____, ...uncoded } = request();
    expect(await refused(form(uncoded), 400, 'MISSING_FIELD')).toMatchObject({ field: 'service_code', description: 'service_code: required' });
    expect(await refused(form(request({ lat: '39.9', long: '116.4' })), 400, 'OUTSIDE_CITY')).toMatchObject({ field: 'lat', description: expect.stringMatching(/^long, lat \(116\.4, 39\.9\) /) });
    expect(await refused(form(request({ 'attribute[severity]': 'urgent' })), 400, 'INVALID_SEVERITY')).toMatchObject({ field: 'attribute[severity]', description: expect.stringMatching(/^attribute\[severity\]: /) });
    expect(await refused(form(request({ crs: 'BD-09' })), 400, 'INVALID_FIELD')).toMatchObject({ field: 'crs', description: 'crs: expected one of WGS84, GCJ02, got "BD-09"' });
    const { description: ___, ...silent } = request();
    expect(await refused(form(silent), 400, 'MISSING_FIELD')).toMatchObject({ field: 'description' });
    await refused('{"api_key": ', 400, 'MALFORMED_REQUEST', { 'content-type': 'application/json' });
    await refused('[1, 2]', 400, 'MALFORMED_REQUEST', { 'content-type': 'application/json' });
    await refused('--nope\r\n', 400, 'MALFORMED_REQUEST', { 'content-type': 'multipart/form-data; boundary=xyz' });
    await refused('<xml/>', 415, 'UNSUPPORTED_MEDIA_TYPE', { 'content-type': 'text/xml' });
  });

  test('an oversized attachment: 413; a wrongly typed one: 415', async () => {
    const oversized = new FormData();
    for (const [name, value] of Object.entries(request())) oversized.set(name, value);
    oversized.append('media', new Blob([SAMPLES.jpeg, Buffer.alloc(ATTACHMENT_LIMIT)], { type: 'image/jpeg' }), 'big.jpg');
    expect(await refused(oversized, 413, 'ATTACHMENT_TOO_LARGE')).toMatchObject({ field: 'attachments[0]' });

    const disguised = new FormData();
    for (const [name, value] of Object.entries(request())) disguised.set(name, value);
    disguised.append('media', new Blob([SAMPLES.png]), 'ok.png');
    disguised.append('media', new Blob([SAMPLES.pdf], { type: 'image/png' }), 'not-a-photo.png');
    expect(await refused(disguised, 415, 'ATTACHMENT_TYPE_NOT_ALLOWED')).toMatchObject({ field: 'attachments[1]' });
  });

  test('a body beyond the request limit: 413 before it is read', async () => {
    const huge = Buffer.alloc(ATTACHMENT_LIMIT * 4 + 2 * 1024 * 1024, 'a');
    await refused(huge, 413, 'PAYLOAD_TOO_LARGE', { 'content-type': 'application/x-www-form-urlencoded' });
  });

  test('unknown resources and ids: 404; wrong methods: 405', async () => {
    expect((await fetch(`${h.baseUrl}/requests/999999.json?api_key=${h.apiKey}`)).status).toBe(404);
    expect((await fetch(`${h.baseUrl}/requests/abc.json?api_key=${h.apiKey}`)).status).toBe(404);
    expect((await fetch(`${h.baseUrl}/services.xml`)).status).toBe(404);
    const wrong = await fetch(`${h.baseUrl}/services.json`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(await wrong.json()).toEqual([expect.objectContaining({ code: 405, error: 'METHOD_NOT_ALLOWED' })]);
  });
});

test('every accepted request got its instance', async () => {
  await eventually(async () => {
    const { rows } = await h.te.pool.query<{ waiting: number }>(`select count(*)::int as waiting from grid_event where process_instance_key is null`);
    return rows[0].waiting === 0 ? true : undefined;
  });
});
