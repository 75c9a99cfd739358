/**
 * Open311 against hostile clients, over real HTTP on the real intake with
 * the service's default attachment size and rate limits: an upload without
 * a key is refused without being read, a file over the limit is refused
 * while it streams, slow clients are cut off, a burst with one key and
 * guessed keys are throttled.
 */
import { connect, type Socket } from 'node:net';
import { DEFAULTS } from '../config/config';
import { gridWithPoint, SAMPLES, startIntakeHarness, type IntakeHarness } from '../intake/fixtures/intake-harness';

jest.setTimeout(90_000);

const MiB = 1024 * 1024;
const TIMEOUTS = { headersMs: 1_000, requestMs: 2_000, idleMs: 2_000 };

let h: IntakeHarness;
let port: number;
beforeAll(async () => {
  h = await startIntakeHarness({ attachmentMaxBytes: DEFAULTS.attachmentMaxBytes, rateLimits: DEFAULTS.rateLimits, timeouts: TIMEOUTS });
  port = h.intake.open311?.port ?? 0;
}, 120_000);
afterAll(() => h?.stop());

interface Upload {
  /** Bytes the server took from the client (write callbacks completed) before it answered or closed. */
  readonly consumed: number;
  /** The status line's code, when an answer came. */
  readonly status: number | undefined;
  readonly response: string;
}

/**
 * Sends a multipart upload of `fileBytes` as fast as the server takes it,
 * after `fields`, on a raw socket, and stops writing as soon as the server
 * answers or closes.
 */
function upload(fields: Record<string, string>, fileBytes: number): Promise<Upload> {
  const boundary = 'abuse-boundary-0123456789';
  const head = Buffer.from(
    Object.entries(fields)
      .map(([name, value]) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('') + `--${boundary}\r\ncontent-disposition: form-data; name="media"; filename="big.jpg"\r\ncontent-type: image/jpeg\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const length = head.length + fileBytes + tail.length;
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let consumed = 0;
    let answered = false;
    let response = '';
    const finish = (): void => {
      if (answered) return;
      answered = true;
      const status = /^HTTP\/1\.1 (\d{3})/.exec(response)?.[1];
      socket.destroy();
      resolve({ consumed, status: status === undefined ? undefined : Number(status), response });
    };
    socket.on('data', (chunk: Buffer) => {
      response += chunk.toString('utf8');
      if (response.includes('\r\n\r\n') && /\]$/.test(response.trim())) finish();
    });
    socket.on('close', finish);
    socket.on('error', finish);
    const chunk = Buffer.concat([SAMPLES.jpeg, Buffer.alloc(MiB - SAMPLES.jpeg.length, 7)]);
    let sent = 0;
    const write = (data: Buffer): boolean =>
      socket.write(data, (error) => {
        if (!error) consumed += data.length;
      });
    const pump = (): void => {
      while (!answered && sent < fileBytes) {
        const piece = chunk.subarray(0, Math.min(chunk.length, fileBytes - sent));
        sent += piece.length;
        if (!write(piece)) return void socket.once('drain', pump);
      }
      if (!answered && sent >= fileBytes) write(tail);
    };
    socket.on('connect', () => {
      write(Buffer.from(`POST /open311/v2/requests.json HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: multipart/form-data; boundary=${boundary}\r\ncontent-length: ${length}\r\n\r\n`));
      write(head);
      pump();
    });
  });
}

const inGrid = gridWithPoint(321);
const report = (): Record<string, string> => ({
  service_code: 'garbage',
  lat: String(inGrid.lat),
  long: String(inGrid.lon),
  description: 'A pile of rubble on the pavement',
});

test('an 80 MiB upload without a key is refused without being read', async () => {
  const before = await h.stored();
  const result = await upload(report(), 80 * MiB);
  expect(result.status).toBe(403);
  expect(result.response).toContain('API_KEY_REQUIRED');
  // What loopback's socket buffers hold at most, far below the upload.
  expect(result.consumed).toBeLessThan(16 * MiB);
  expect(await h.stored()).toEqual(before);
});

test('a file over the limit with a valid key is refused while it streams', async () => {
  const before = await h.stored();
  const result = await upload({ api_key: h.apiKey, ...report() }, 60 * MiB);
  expect(result.status).toBe(413);
  expect(result.response).toContain('ATTACHMENT_TOO_LARGE');
  // The limit (20 MiB) and the socket buffers, not the 60 MiB sent.
  expect(result.consumed).toBeLessThan(DEFAULTS.attachmentMaxBytes + 16 * MiB);
  expect(await h.stored()).toEqual(before);
  // A file within the limit still goes through, spooled and moved into the store.
  const form = new FormData();
  for (const [name, value] of Object.entries({ api_key: h.apiKey, ...report() })) form.set(name, value);
  form.append('media', new Blob([SAMPLES.jpeg, Buffer.alloc(2 * MiB, 9)], { type: 'image/jpeg' }), 'pile.jpg');
  const accepted = await fetch(`${h.baseUrl}/requests.json`, { method: 'POST', body: form });
  expect(accepted.status).toBe(201);
  expect((await h.stored()).files).toBe(before.files + 1);
});

/** Writes `piece` every `everyMs` until the server closes the connection; how many were written. */
function dribble(first: string, piece: string, everyMs: number): Promise<{ pieces: number; response: string }> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let pieces = 0;
    let response = '';
    let timer: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      socket.write(first);
      timer = setInterval(() => {
        pieces++;
        socket.write(piece);
      }, everyMs);
    });
    socket.on('data', (chunk: Buffer) => (response += chunk.toString('utf8')));
    const done = (): void => {
      clearInterval(timer);
      socket.destroy();
      resolve({ pieces, response });
    };
    socket.on('close', done);
    socket.on('error', done);
  });
}

test('a slow client is cut off: headers that never end, and a body that dribbles', async () => {
  // One header line every 200 ms, never the blank line that ends them.
  const headers = await dribble('POST /open311/v2/requests.json HTTP/1.1\r\nhost: 127.0.0.1\r\n', 'x-slow: 1\r\n', 200);
  expect(headers.pieces).toBeLessThan(((TIMEOUTS.headersMs + 1_000) / 200) * 2);
  // Complete headers, then one byte of the body every 200 ms.
  const body = await dribble(
    `POST /open311/v2/requests.json?api_key=${h.apiKey} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 10000\r\n\r\n`,
    'a',
    200,
  );
  expect(body.pieces).toBeLessThan(((TIMEOUTS.requestMs + 1_000) / 200) * 2);
});

test('a burst with one key is answered 429 with Retry-After', async () => {
  const answers = await Promise.all(Array.from({ length: DEFAULTS.rateLimits.open311PerKey * 3 }, () => fetch(`${h.baseUrl}/requests/1.json?api_key=${h.apiKey}`)));
  const throttled = answers.filter((answer) => answer.status === 429);
  expect(throttled.length).toBeGreaterThanOrEqual(DEFAULTS.rateLimits.open311PerKey);
  expect(Number(throttled[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(await throttled[0].json()).toEqual([expect.objectContaining({ code: 429, error: 'TOO_MANY_REQUESTS' })]);
});

// Last: it blocks this address for a minute.
test('guessing API keys is throttled per address', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < DEFAULTS.rateLimits.authFailuresPerMinute + 5; i++) {
    statuses.push((await fetch(`${h.baseUrl}/requests.json?api_key=guess-${i}`)).status);
  }
  // The refused uploads above count against the address too.
  const throttledFrom = statuses.indexOf(429);
  expect(throttledFrom).toBeGreaterThan(DEFAULTS.rateLimits.authFailuresPerMinute - 5);
  expect(throttledFrom).toBeLessThanOrEqual(DEFAULTS.rateLimits.authFailuresPerMinute);
  expect(statuses.slice(0, throttledFrom).every((status) => status === 403)).toBe(true);
  const last = await fetch(`${h.baseUrl}/requests.json?api_key=guess-last`);
  expect(last.status).toBe(429);
  expect(Number(last.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  const body = await last.text();
  expect(body).not.toMatch(/\bat .+:\d+:\d+/);
  // Refused before the key is looked at, right or wrong.
  expect((await fetch(`${h.baseUrl}/requests.json?api_key=${h.apiKey}`)).status).toBe(429);
});
