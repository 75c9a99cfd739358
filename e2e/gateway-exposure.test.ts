/**
 * Without authentication (GATEWAY_AUTH=none) the service refuses to start the
 * embedded Zeebe gateway beyond loopback (one line naming the setting, exit
 * code 1, before anything listens) unless the operator explicitly allows it.
 * With GATEWAY_AUTH=jwt it listens beyond loopback, its own client still
 * reaches it, and other callers need a token.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Camunda8 } from '@camunda8/sdk';
import { status } from '@grpc/grpc-js';
import { SignJWT } from 'jose';
import { DEVELOPMENT_JWT_SECRET } from '../config/config';
import { createTestDatabase, type TestDatabase } from '../test-support/database';
import { freePort } from '../test-support/free-port';
import { startServiceProcess, type ServiceProcess } from '../test-support/service-process';
import { connectSdk, type ZeebeClient } from '../test-support/zeebe-client';
import { failure } from './fixtures/sdk';

jest.setTimeout(60_000);

const MAIN = path.resolve(__dirname, '..', 'dist', 'main.js');

test.each(['0.0.0.0', '::'])('GATEWAY_HOST=%s without authentication: refused at start with one clear line', (host) => {
  const result = spawnSync(process.execPath, [MAIN], {
    env: { ...process.env, GATEWAY_HOST: host, GATEWAY_ALLOW_UNAUTHENTICATED: '', GATEWAY_AUTH: '', ZEEBE_ADDRESS: '' },
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toBe(
    `GATEWAY_HOST: ${host} is beyond loopback and the embedded Zeebe gateway has no authentication: set GATEWAY_AUTH=jwt, or listen on 127.0.0.1, or set GATEWAY_ALLOW_UNAUTHENTICATED=true where only trusted peers reach it\n`,
  );
  expect(result.stdout).toBe('');
});

describe('GATEWAY_HOST=0.0.0.0 with GATEWAY_AUTH=jwt', () => {
  let database: TestDatabase | undefined;
  let service: ServiceProcess | undefined;
  let anonymous: ZeebeClient | undefined;
  let authorized: ZeebeClient | undefined;

  afterAll(async () => {
    await anonymous?.close();
    await authorized?.close();
    if (service !== undefined && service.child.exitCode === null) {
      service.child.kill('SIGTERM');
      await service.exited;
    }
    await database?.drop();
  });

  test('starts (its own client deploys the process models through the gateway); a caller without a token is refused, one with a token served, over gRPC and REST alike', async () => {
    database = await createTestDatabase({ migrated: false });
    const port = await freePort();
    const restPort = await freePort();
    service = await startServiceProcess({
      DATABASE_URL: database.url,
      GATEWAY_HOST: '0.0.0.0',
      GATEWAY_PORT: String(port),
      GATEWAY_AUTH: 'jwt',
      REST_PORT: String(restPort),
      GATEWAY_ALLOW_UNAUTHENTICATED: '',
      ZEEBE_ADDRESS: '',
    });
    expect(service.output()).toContain(`gateway listening on 0.0.0.0:${port}`);

    anonymous = connectSdk(port);
    const refused = await failure(anonymous.topology());
    expect(refused.code).toBe(status.UNAUTHENTICATED);

    // A caller with a development token (HS256, the development secret) for the gateway's audience is served.
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('grid-dispatch')
      .setAudience('zeebe-api')
      .setSubject('operator')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(DEVELOPMENT_JWT_SECRET));
    authorized = new Camunda8({
      ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${port}`,
      CAMUNDA_AUTH_STRATEGY: 'BEARER',
      CAMUNDA_OAUTH_TOKEN: token,
      CAMUNDA_TENANT_ID: '',
      CAMUNDA_LOG_LEVEL: 'none',
      zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE', ZEEBE_GRPC_CLIENT_RETRY: false, ZEEBE_GRPC_CLIENT_CONNECTION_TOLERANCE_MS: 50 },
    }).getZeebeGrpcApiClient();
    expect((await authorized.topology()).brokers).toHaveLength(1);

    // The REST gateway beside it takes the same tokens.
    const restTopology = (authorization?: string) =>
      fetch(`http://127.0.0.1:${restPort}/v2/topology`, authorization === undefined ? {} : { headers: { authorization } }).then((answer) => answer.status);
    expect(await restTopology()).toBe(401);
    expect(await restTopology('Bearer not-a-token')).toBe(401);
    expect(await restTopology(`Bearer ${token}`)).toBe(200);
  });
});
