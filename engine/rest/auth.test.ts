import pino from 'pino';

import { DEFAULTS } from '../../config/config';
import { signDevelopmentToken } from '../../graphql/auth/sign-token';
import { createTokenVerifier } from '../../graphql/auth/verify-token';
import { startTestEngine, type TestEngine } from '../../test-support/engine';
import { adminBearer } from './auth';
import { startRestGateway, type RestGateway } from './server';

/*
 * Beyond loopback the REST API takes only an admin's bearer token; without
 * an authenticator it does not listen there at all.
 */

const settings = {
  authMode: 'development' as const,
  jwtSecret: DEFAULTS.jwtSecret,
  jwksUrl: undefined,
  jwtIssuer: DEFAULTS.jwtIssuer,
  jwtAudience: DEFAULTS.jwtAudience,
};
const logger = pino({ level: 'silent' });

let te: TestEngine;
let rest: RestGateway;

beforeAll(async () => {
  te = await startTestEngine();
  rest = await startRestGateway({ engine: te.engine, db: te.pool, host: '127.0.0.1', port: 0, logger, authenticate: adminBearer(createTokenVerifier(settings)) });
});

afterAll(async () => {
  await rest?.close();
  await te?.stop();
});

async function topology(authorization?: string): Promise<{ status: number; body: unknown }> {
  const answer = await fetch(`http://127.0.0.1:${rest.port}/v2/topology`, authorization === undefined ? {} : { headers: { authorization } });
  return { status: answer.status, body: (await answer.json()) };
}

test('refuses to listen beyond loopback without authentication', async () => {
  await expect(startRestGateway({ engine: te.engine, db: te.pool, host: '0.0.0.0', port: 0, logger })).rejects.toThrow(
    'The REST gateway refuses to listen on 0.0.0.0 without authentication',
  );
});

test('no token or a bad one: 401; another role: 403; an admin: the answer', async () => {
  expect(await topology()).toEqual({
    status: 401,
    body: { type: 'about:blank', title: 'UNAUTHORIZED', status: 401, detail: 'The request is not authenticated: send a valid bearer token', instance: '/v2/topology' },
  });
  // One answer to every authentication failure: a bad token is refused exactly as no token is.
  expect(await topology('Bearer not-a-token')).toEqual(await topology());
  expect(await topology('Basic Y2l0aXplbjpzZWNyZXQ=')).toEqual(await topology());

  const citizen = await signDevelopmentToken(settings, { role: 'citizen', personCode: 'C-1' });
  expect(await topology(`Bearer ${citizen}`)).toMatchObject({ status: 403, body: { title: 'FORBIDDEN', status: 403 } });

  const admin = await signDevelopmentToken(settings, { role: 'admin', personCode: 'A-1' });
  expect(await topology(`Bearer ${admin}`)).toMatchObject({ status: 200, body: { clusterSize: 1 } });
});
