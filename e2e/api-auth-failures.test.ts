/**
 * One answer to every authentication failure: over HTTP, no token, a
 * malformed, forged or expired one all get 401 with the same body
 * (UNAUTHENTICATED and the reason), a WWW-Authenticate challenge and nothing
 * of the server's internals; over WebSocket the connection closes with 4403
 * and a reason a person can act on.
 */
import WebSocket from 'ws';
import { findViewer } from '../graphql/auth/find-viewer';
import { signDevelopmentToken } from '../graphql/auth/sign-token';
import { AUTH, useApiHarness } from './api-harness';

jest.setTimeout(60_000);

const h = useApiHarness();
const CITIZEN = 'citizen-000001';

interface Answer {
  readonly status: number;
  readonly challenge: string | null;
  readonly text: string;
  readonly json: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } | undefined;
}

async function ask(authorization: string | undefined, method: 'GET' | 'POST' = 'POST'): Promise<Answer> {
  const query = '{ me { code } }';
  const headers: Record<string, string> = { 'content-type': 'application/json', 'apollo-require-preflight': 'true' };
  if (authorization !== undefined) headers.authorization = authorization;
  const response =
    method === 'POST'
      ? await fetch(h.url, { method, headers, body: JSON.stringify({ query }) })
      : await fetch(`${h.url}?query=${encodeURIComponent(query)}`, { method, headers });
  const text = await response.text();
  let json: Answer['json'];
  try {
    json = JSON.parse(text) as Answer['json'];
  } catch {
    json = undefined;
  }
  return { status: response.status, challenge: response.headers.get('www-authenticate'), text, json };
}

/** The answer without what may differ between failures: the message and the reason's value. */
function shapeOf(answer: Answer): unknown {
  return {
    status: answer.status,
    challenge: answer.challenge,
    data: answer.json?.data,
    errors: answer.json?.errors?.map((error) => ({ keys: Object.keys(error).sort(), extensions: Object.keys(error.extensions ?? {}).sort(), code: error.extensions?.code })),
  };
}

async function tokenOf(personCode: string, lifetimeSeconds?: number): Promise<string> {
  const client = await h.grid.te.pool.connect();
  try {
    const viewer = await findViewer(client, personCode);
    return await signDevelopmentToken(AUTH, viewer, lifetimeSeconds === undefined ? {} : { lifetimeSeconds, now: new Date(Date.now() - 3_600_000) });
  } finally {
    client.release();
  }
}

test('GraphQL over HTTP: no token, a malformed, forged or expired one: 401, one body shape, a Bearer challenge, no internals', async () => {
  const valid = await tokenOf(CITIZEN);
  const [header, payload] = valid.split('.');
  const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
  const expired = await tokenOf(CITIZEN, 60);
  const answers = {
    none: await ask(undefined),
    noneByGet: await ask(undefined, 'GET'),
    notBearer: await ask(`Basic ${Buffer.from('citizen:secret').toString('base64')}`),
    malformed: await ask('Bearer not.a.token'),
    forged: await ask(`Bearer ${forged}`),
    expired: await ask(`Bearer ${expired}`),
  };
  const expected = { status: 401, challenge: 'Bearer', data: undefined, errors: [{ keys: ['extensions', 'message'], extensions: ['code', 'reason'], code: 'UNAUTHENTICATED' }] };
  for (const [name, answer] of Object.entries(answers)) {
    expect({ name, shape: shapeOf(answer) }).toEqual({ name, shape: expected });
    expect(answer.text).not.toContain('stacktrace');
    expect(answer.text).not.toContain(process.cwd());
    expect(answer.text).not.toMatch(/\bat .+:\d+:\d+/);
  }
  expect(answers.none.json?.errors?.[0]?.extensions?.reason).toBe('TOKEN_MISSING');
  expect(answers.expired.json?.errors?.[0]?.extensions?.reason).toBe('TOKEN_EXPIRED');
  // The same request with the genuine token is served: the refusals are the token's doing.
  expect((await ask(`Bearer ${valid}`)).json).toEqual({ data: { me: { code: CITIZEN } } });
});

/** Opens a graphql-ws connection with these connection parameters; resolves with how it ended or was acknowledged. */
function connect(connectionParams: Record<string, unknown>): Promise<{ code: number; reason: string } | 'acknowledged'> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(h.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: connectionParams })));
    socket.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString()) as { type?: string }).type === 'connection_ack') {
        socket.close(1000);
        resolve('acknowledged');
      }
    });
    socket.on('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() }));
    socket.on('error', reject);
  });
}

test('subscriptions: no token or a bad one closes the connection with 4403 and a reason that says what to send', async () => {
  const missing = await connect({});
  expect(missing).toMatchObject({ code: 4403 });
  expect((missing as { reason: string }).reason).toMatch(/connectionParams\.authorization.*Bearer/);
  const bad = await connect({ authorization: 'Bearer not.a.token' });
  expect(bad).toMatchObject({ code: 4403 });
  expect((bad as { reason: string }).reason).toMatch(/token/i);
  const expired = await connect({ authorization: `Bearer ${await tokenOf(CITIZEN, 60)}` });
  expect((expired as { reason: string }).reason).toMatch(/expired/i);
  expect(await connect({ authorization: `Bearer ${await tokenOf(CITIZEN)}` })).toBe('acknowledged');
});
