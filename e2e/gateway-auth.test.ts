/**
 * The embedded Zeebe gateway with GATEWAY_AUTH=jwt, driven by real clients
 * configured as against Camunda 8 with OAuth: @camunda8/sdk with a client id,
 * secret, token URL and audience, and zbctl with its OAuth flags. A small
 * OAuth server on 127.0.0.1 answers the client-credentials grant with RS256
 * tokens and publishes its keys as a JWKS, which the gateway trusts. Calls
 * without a token, with a forged one or one for another audience are refused
 * with UNAUTHENTICATED before any work.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Camunda8 } from '@camunda8/sdk';
import { status } from '@grpc/grpc-js';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

import { createGatewayTokenCheck } from '../auth/gateway-token';
import { startTestEngine, type TestEngine } from '../test-support/engine';
import { connectSdk, type ZeebeClient } from '../test-support/zeebe-client';
import { sequenceProcess } from './fixtures/models';
import { failure } from './fixtures/sdk';

jest.setTimeout(60_000);

const ISSUER = 'https://idp.city.example/realms/grid';
const GATEWAY_AUDIENCE = 'zeebe-api';
const CLIENT_ID = 'dispatch-worker';
const CLIENT_SECRET = 'worker-secret-0123456789';
const ZBCTL = path.join(__dirname, '..', 'node_modules', 'zbctl', 'bin', 'zbctl-cli.linux');

interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

function sign(key: SigningKey, audience: string, subject = CLIENT_ID): Promise<string> {
  return new SignJWT({ azp: subject })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey);
}

let idp: Server;
let idpUrl: string;
let trusted: SigningKey;
let untrusted: SigningKey;
let tokensIssued = 0;
let te: TestEngine;
let dir: string;
const clients: ZeebeClient[] = [];

/** The identity provider: the client-credentials grant (RFC 6749 §4.4) and the JWKS the gateway trusts. */
function startIdp(): Promise<void> {
  idp = createServer((request, response) => {
    const reply = (code: number, body: unknown): void => {
      response.writeHead(code, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method === 'GET' && request.url === '/jwks') return reply(200, { keys: [trusted.jwk] });
    if (request.method !== 'POST' || request.url !== '/oauth/token') return reply(404, { error: 'not_found' });
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'client_credentials') return reply(400, { error: 'unsupported_grant_type' });
      if (form.get('client_id') !== CLIENT_ID || form.get('client_secret') !== CLIENT_SECRET) return reply(401, { error: 'invalid_client' });
      // As an identity provider with one client per API: the token names the audience asked for.
      sign(trusted, form.get('audience') ?? GATEWAY_AUDIENCE).then(
        (token) => {
          tokensIssued += 1;
          reply(200, { access_token: token, token_type: 'Bearer', expires_in: 300 });
        },
        (error: unknown) => reply(500, { error: String(error) }),
      );
    });
  });
  return new Promise((resolve) => {
    idp.listen(0, '127.0.0.1', () => {
      idpUrl = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
      resolve();
    });
  });
}

const base = {
  CAMUNDA_TENANT_ID: '',
  CAMUNDA_LOG_LEVEL: 'none',
  CAMUNDA_TOKEN_DISK_CACHE_DISABLE: true,
  zeebeGrpcSettings: {
    ZEEBE_CLIENT_LOG_LEVEL: 'NONE',
    ZEEBE_GRPC_CLIENT_RETRY: false,
    ZEEBE_GRPC_CLIENT_CONNECTION_TOLERANCE_MS: 50,
    ZEEBE_GRPC_WORKER_LONGPOLL_SECONDS: 3,
  },
} as const;

/** The SDK as a user configures it for a Camunda 8 gateway behind OAuth. */
function oauthClient(audience: string, secret = CLIENT_SECRET): ZeebeClient {
  const client = new Camunda8({
    ...base,
    ZEEBE_GRPC_ADDRESS: `grpc://${te.address}`,
    CAMUNDA_AUTH_STRATEGY: 'OAUTH',
    ZEEBE_CLIENT_ID: CLIENT_ID,
    ZEEBE_CLIENT_SECRET: secret,
    CAMUNDA_OAUTH_URL: `${idpUrl}/oauth/token`,
    ZEEBE_TOKEN_AUDIENCE: audience,
  }).getZeebeGrpcApiClient();
  clients.push(client);
  return client;
}

/** The SDK presenting a token it was handed. */
function bearerClient(token: string): ZeebeClient {
  const client = new Camunda8({
    ...base,
    ZEEBE_GRPC_ADDRESS: `grpc://${te.address}`,
    CAMUNDA_AUTH_STRATEGY: 'BEARER',
    CAMUNDA_OAUTH_TOKEN: token,
  }).getZeebeGrpcApiClient();
  clients.push(client);
  return client;
}

function deploy(client: ZeebeClient, processId: string): Promise<unknown> {
  return client.deployResource({ process: Buffer.from(sequenceProcess(processId, [{ id: 'a', type: `${processId}-task` }])), name: `${processId}.bpmn` });
}

/** Whether a process id is deployed, asked by a client that may ask. */
async function isDeployed(processId: string): Promise<boolean> {
  const result = await failure(oauthClient(GATEWAY_AUDIENCE).createProcessInstance({ bpmnProcessId: processId, variables: {} })).catch(() => undefined);
  if (result === undefined) return true;
  expect(result.code).toBe(status.NOT_FOUND);
  return false;
}

beforeAll(async () => {
  [trusted, untrusted] = await Promise.all([signingKey('idp-2026'), signingKey('idp-2026')]);
  await startIdp();
  dir = await mkdtemp(path.join(tmpdir(), 'gateway-auth-'));
  const authenticate = createGatewayTokenCheck({
    authMode: 'production',
    jwtSecret: undefined,
    jwksUrl: `${idpUrl}/jwks`,
    jwtIssuer: ISSUER,
    gatewayTokenAudience: GATEWAY_AUDIENCE,
  });
  te = await startTestEngine({ authenticate });
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await te?.stop();
  await new Promise((resolve) => idp?.close(resolve));
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the SDK with OAuth client credentials deploys, creates an instance and completes its job', async () => {
  const zbc = oauthClient(GATEWAY_AUDIENCE);
  const before = tokensIssued;
  const deployed = await zbc.deployResource({
    process: Buffer.from(sequenceProcess('auth-work', [{ id: 'a', type: 'auth-work' }])),
    name: 'auth-work.bpmn',
  });
  expect(deployed.deployments[0].process).toMatchObject({ bpmnProcessId: 'auth-work', version: 1 });
  expect(tokensIssued).toBeGreaterThan(before);

  const created = await zbc.createProcessInstance({ bpmnProcessId: 'auth-work', variables: { grid: 'G0042' } });
  const jobs = await zbc.activateJobs({ type: 'auth-work', maxJobsToActivate: 1, timeout: 30_000, worker: 'auth', requestTimeout: 5_000 });
  expect(jobs).toHaveLength(1);
  expect(jobs[0].processInstanceKey).toBe(created.processInstanceKey);
  await zbc.completeJob({ jobKey: jobs[0].key, variables: {} });
});

test('without a token: UNAUTHENTICATED, and nothing is deployed', async () => {
  const anonymous = connectSdk(te.port);
  clients.push(anonymous);
  const refused = await failure(deploy(anonymous, 'auth-anonymous'));
  expect(refused.code).toBe(status.UNAUTHENTICATED);
  expect(refused.details).toBe('authentication failed: expected an Authorization header "Bearer <token>"');
  expect(await isDeployed('auth-anonymous')).toBe(false);
});

test('without a token, long polls and job streams are refused too', async () => {
  const anonymous = connectSdk(te.port);
  clients.push(anonymous);
  const refused = await failure(anonymous.activateJobs({ type: 'auth-work', maxJobsToActivate: 1, timeout: 30_000, worker: 'x', requestTimeout: 1_000 }));
  expect(refused.code).toBe(status.UNAUTHENTICATED);
});

test('a token signed by a key the identity provider does not publish: UNAUTHENTICATED, nothing deployed', async () => {
  const forged = bearerClient(await sign(untrusted, GATEWAY_AUDIENCE));
  const refused = await failure(deploy(forged, 'auth-forged'));
  expect(refused.code).toBe(status.UNAUTHENTICATED);
  expect(refused.details).toBe('authentication failed: token signature does not verify');
  expect(await isDeployed('auth-forged')).toBe(false);
});

test('a genuine token for another audience: UNAUTHENTICATED, nothing deployed', async () => {
  const elsewhere = oauthClient('operate-api');
  const refused = await failure(deploy(elsewhere, 'auth-audience'));
  expect(refused.code).toBe(status.UNAUTHENTICATED);
  expect(refused.details).toBe('authentication failed: token claim "aud" is check_failed');
  expect(await isDeployed('auth-audience')).toBe(false);
});

test('zbctl with its OAuth flags deploys; without them it is refused', async () => {
  const bpmn = path.join(dir, 'auth-zbctl.bpmn');
  await writeFile(bpmn, sequenceProcess('auth-zbctl', [{ id: 'a', type: 'auth-zbctl' }]));

  const anonymous = await zbctl('deploy', bpmn);
  expect(anonymous.exitCode).not.toBe(0);
  expect(anonymous.stderr).toContain('Unauthenticated');
  expect(await isDeployed('auth-zbctl')).toBe(false);

  const oauth = await zbctl('--clientId', CLIENT_ID, '--clientSecret', CLIENT_SECRET, '--authzUrl', `${idpUrl}/oauth/token`, '--audience', GATEWAY_AUDIENCE, 'deploy', bpmn);
  expect(oauth.exitCode).toBe(0);
  expect(JSON.parse(oauth.stdout)).toMatchObject({ processes: [{ bpmnProcessId: 'auth-zbctl', version: 1 }] });
  expect(await isDeployed('auth-zbctl')).toBe(true);
});

interface Run {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

function zbctl(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      ZBCTL,
      ['--insecure', '--address', te.address, ...args],
      // A clean environment: no ZEEBE_* variable of the machine may redirect or authenticate the CLI.
      { env: { HOME: dir, PATH: process.env.PATH ?? '' }, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(new Error(`zbctl did not run: ${error.message}`, { cause: error }));
        resolve({ exitCode: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}
