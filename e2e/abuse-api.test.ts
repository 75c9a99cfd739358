/**
 * The GraphQL API against hostile clients, over real HTTP with the service's
 * default limits: documents built to get past the limits are refused with
 * 400 and a code before they run, a burst from one token is answered 429
 * while another token is served, failed tokens are throttled per address,
 * and no error body carries a stack trace or a server path.
 */
import { DEFAULTS } from '../config/config';
import { useApiHarness } from './api-harness';

// As under `npm start`: Apollo and Express show stack traces unless NODE_ENV says production (or, for Apollo, test).
delete process.env.NODE_ENV;

jest.setTimeout(60_000);

const h = useApiHarness({ rateLimits: DEFAULTS.rateLimits });
const CITIZEN = 'citizen-000001';

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } | undefined;
}

async function post(body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.text();
  let json: Answer['json'];
  try {
    json = JSON.parse(text) as Answer['json'];
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

async function query(token: string, document: string): Promise<Answer> {
  return post(JSON.stringify({ query: document }), { authorization: `Bearer ${token}` });
}

/** No stack frame, no file of the server's, no HTML page. */
function expectNoInternals(answer: Answer): void {
  expect(answer.json).toBeDefined();
  expect(answer.text).not.toMatch(/\bat .+:\d+:\d+/);
  expect(answer.text).not.toContain(process.cwd());
  expect(answer.text).not.toContain('node_modules');
  expect(answer.text).not.toContain('stacktrace');
  expect(answer.text).not.toMatch(/<html|<pre/i);
}

function expectRefused(answer: Answer): void {
  expect(answer.status).toBe(400);
  expect(answer.json?.data).toBeUndefined();
  expect(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED']).toContain(answer.json?.errors?.[0]?.extensions?.code);
  expectNoInternals(answer);
}

const GRID_PAGE = 'grids(first: 100) { edges { node { code } } }';

test('10,000 selection nodes in 2,500 aliases: 400, not 250,000 grids', async () => {
  const token = await h.token(CITIZEN);
  const aliases = Array.from({ length: 2_500 }, (_, i) => `g${i}: ${GRID_PAGE}`).join(' ');
  expectRefused(await query(token, `{ ${aliases} }`));
  // The same page once is fine: the refusal is the limit's, not the query's.
  const one = await query(token, `{ ${GRID_PAGE} }`);
  expect(one.status).toBe(200);
  expect((one.json?.data as { grids: { edges: unknown[] } }).grids.edges).toHaveLength(100);
});

test('10,000 __typename aliases in front of an expensive query: 400', async () => {
  const token = await h.token(CITIZEN);
  const padding = Array.from({ length: 10_000 }, (_, i) => `t${i}: __typename`).join(' ');
  expectRefused(await query(token, `{ ${padding} ${Array.from({ length: 30 }, (_, i) => `g${i}: ${GRID_PAGE}`).join(' ')} }`));
  // Within the token bound the aliases are counted, __typename or not.
  const few = Array.from({ length: DEFAULTS.queryLimits.maxAliases + 1 }, (_, i) => `t${i}: __typename`).join(' ');
  const refused = await query(token, `{ ${few} }`);
  expectRefused(refused);
  expect(refused.json?.errors?.[0]?.extensions).toMatchObject({ exceeded: 'aliases', limit: DEFAULTS.queryLimits.maxAliases });
});

test('a chain of 10,000 fragments: 400, not 500', async () => {
  const token = await h.token(CITIZEN);
  const fragments = Array.from({ length: 10_000 }, (_, i) => (i < 9_999 ? `fragment F${i} on Query { ...F${i + 1} }` : `fragment F${i} on Query { me { code } }`));
  expectRefused(await query(token, `{ ...F0 } ${fragments.join(' ')}`));
  // A chain within the token bound is counted too.
  const n = DEFAULTS.queryLimits.maxFragments + 1;
  const short = Array.from({ length: n }, (_, i) => (i < n - 1 ? `fragment F${i} on Query { ...F${i + 1} }` : `fragment F${i} on Query { me { code } }`));
  const refused = await query(token, `{ ...F0 } ${short.join(' ')}`);
  expectRefused(refused);
  expect(refused.json?.errors?.[0]?.extensions).toMatchObject({ exceeded: 'fragments' });
});

test('no stack trace or server path in any error body, with default settings', async () => {
  const token = await h.token(CITIZEN);
  const malformed = await post('{"query": ', { authorization: `Bearer ${token}` });
  expect(malformed.status).toBe(400);
  expect(malformed.json?.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  expectNoInternals(malformed);

  const tooLarge = await post(JSON.stringify({ query: '{ me { code } }', variables: { padding: 'x'.repeat(40 * 1024 * 1024) } }), { authorization: `Bearer ${token}` });
  expect(tooLarge.status).toBe(413);
  expect(tooLarge.json?.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  expectNoInternals(tooLarge);

  const unknownField = await query(token, '{ nothingHere }');
  expect(unknownField.status).toBe(400);
  expectNoInternals(unknownField);
  const syntax = await query(token, '{ me { code }');
  expect(syntax.status).toBe(400);
  expectNoInternals(syntax);
});

test('security headers on every answer, and no CORS for an origin nobody configured', async () => {
  const answer = await query(await h.token(CITIZEN), '{ me { code } }');
  expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  expect(answer.headers.get('content-security-policy')).toContain("default-src 'self'");
  const preflight = await fetch(h.url, {
    method: 'OPTIONS',
    headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
  expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
});

test('a burst from one token is answered 429 with Retry-After, while another token is served', async () => {
  const [noisy, quiet] = await Promise.all([h.token('citizen-000002'), h.token('citizen-000003')]);
  const burst = await Promise.all(Array.from({ length: DEFAULTS.rateLimits.apiPerToken * 3 }, () => query(noisy, '{ me { code } }')));
  const throttled = burst.filter((answer) => answer.status === 429);
  expect(throttled.length).toBeGreaterThanOrEqual(DEFAULTS.rateLimits.apiPerToken);
  expect(Number(throttled[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(throttled[0].json?.errors?.[0]?.extensions?.code).toBe('TOO_MANY_REQUESTS');
  expectNoInternals(throttled[0]);
  const served = await query(quiet, '{ me { code } }');
  expect(served.status).toBe(200);
  expect(served.json?.data).toEqual({ me: { code: 'citizen-000003' } });
});

test('operations over a WebSocket count against their token like requests', async () => {
  const socket = await h.ws('citizen-000007');
  const results = await Promise.all(
    Array.from({ length: DEFAULTS.rateLimits.apiPerToken * 3 }, () => {
      const iterator = socket.iterate<{ me: { code: string } }>({ query: '{ me { code } }' });
      return iterator.next().then(
        (result) => ((result.value as { data?: { me?: { code: string } } } | undefined)?.data?.me?.code === 'citizen-000007' ? 'served' : 'other'),
        (errors: unknown) => (JSON.stringify(errors).includes('TOO_MANY_REQUESTS') ? 'throttled' : 'other'),
      );
    }),
  );
  expect(results.filter((result) => result === 'throttled').length).toBeGreaterThanOrEqual(DEFAULTS.rateLimits.apiPerToken);
  expect(results).toContain('served');
  expect(results).not.toContain('other');
});

// Last: it blocks this address for a minute.
test('failed tokens are throttled per address', async () => {
  const valid = await h.token(CITIZEN);
  const forged = `${valid.slice(0, -4)}AAAA`;
  const answers: Answer[] = [];
  for (let i = 0; i < DEFAULTS.rateLimits.authFailuresPerMinute + 5; i++) answers.push(await query(forged, '{ me { code } }'));
  expect(answers.slice(0, DEFAULTS.rateLimits.authFailuresPerMinute).every((answer) => answer.status === 401)).toBe(true);
  const last = answers[answers.length - 1];
  expect(last.status).toBe(429);
  expect(Number(last.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  // The address is refused before its token is looked at, good or bad.
  expect((await query(valid, '{ me { code } }')).status).toBe(429);
});

test('an address that keeps being refused loses its connections as they come', async () => {
  const token = await h.token(CITIZEN);
  // The address is throttled by now (above): every request is another 429, until the refusals pass their limit.
  let refused = 0;
  let dropped = false;
  for (let i = 0; i < DEFAULTS.rateLimits.refusalsPerMinute + 10 && !dropped; i++) {
    try {
      const answer = await query(token, '{ me { code } }');
      expect(answer.status).toBe(429);
      refused++;
    } catch {
      dropped = true;
    }
  }
  expect(dropped).toBe(true);
  // Earlier tests' 429s count too: at most the limit's worth were answered.
  expect(refused).toBeGreaterThan(0);
  expect(refused).toBeLessThanOrEqual(DEFAULTS.rateLimits.refusalsPerMinute);
});
