/**
 * The monitor's and the task list's sign-in pages with the shared development
 * sign-in module (web/public/js/dev-sign-in.js): in development they list
 * seeded people of their roles and sign in as the one picked; in production
 * it does not appear at all.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pg from 'pg';
import { chromium, type Browser } from 'playwright-core';
import { loadConfig, type Config } from '../config/config';
import { devSignInRouter } from '../graphql/auth/dev-sign-in-router';
import { createTokenVerifier } from '../graphql/auth/verify-token';
import { seedTestCity } from '../test-support/city';
import { createTestDatabase, type TestDatabase } from '../test-support/database';
import { monitorRouter } from '../web/monitor-router';
import { taskListRouter } from '../web/task-list-router';
import { CHROMIUM } from './monitor-harness';

jest.setTimeout(90_000);

const development = loadConfig({}, '/srv/app');
const production = loadConfig({ AUTH_MODE: 'production', JWKS_URL: 'https://idp.example/jwks', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' }, '/srv/app');

let database: TestDatabase;
let pool: pg.Pool;
let browser: Browser;
const servers: Server[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  await seedTestCity(database.url);
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  for (const server of servers) server.close();
  await pool?.end();
  await database?.drop();
});

/** The monitor, the task list and the development sign-in on one origin, as main.ts mounts them (no GraphQL behind: only the sign-in is looked at). */
async function serve(config: Config): Promise<string> {
  const app = express();
  app.use('/monitor', monitorRouter());
  app.use('/tasks', taskListRouter());
  app.use('/dev/sign-in', devSignInRouter({ auth: config, db: pool }));
  const server = createServer(app);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('in development the sign-in page offers seeded managers and signs in as the one picked', async () => {
  const origin = await serve(development);
  const page = await browser.newPage();
  await page.goto(`${origin}/monitor/`);
  const picker = page.locator('[data-testid="dev-sign-in-person"]');
  await picker.waitFor();
  expect(await picker.locator('option[value="manager-city-1"]').count()).toBe(1);
  expect(await picker.locator('option[value^="citizen-"]').count()).toBe(0);
  await picker.selectOption('manager-city-1');
  await page.click('[data-testid="dev-sign-in"]');
  await page.waitForFunction(() => sessionStorage.length === 1);
  const stored = await page.evaluate(() => Object.values(sessionStorage).join(''));
  await expect(createTokenVerifier(development).verify(stored.replace(/^Bearer /, ''))).resolves.toMatchObject({ role: 'manager', personCode: 'manager-city-1' });
  await page.close();
});

test('in development the task list offers seeded clerks and grid workers and signs in as the one picked', async () => {
  const origin = await serve(development);
  const page = await browser.newPage();
  await page.goto(`${origin}/tasks/`);
  const picker = page.locator('[data-testid="dev-sign-in-person"]');
  await picker.waitFor();
  const clerk = await picker.locator('option[value^="clerk-"]').first().getAttribute('value');
  expect(await picker.locator('option[value^="gw-"]').count()).toBeGreaterThan(0);
  expect(await picker.locator('option[value^="manager-"]').count()).toBe(0);
  await picker.selectOption(clerk ?? '');
  await page.click('[data-testid="dev-sign-in"]');
  // The page keeps its token and its language side by side: the token is the value that is a JWT.
  await page.waitForFunction(() => (Object.values(sessionStorage) as string[]).some((value) => value.includes('.')));
  const stored = await page.evaluate(() => (Object.values(sessionStorage) as string[]).find((value) => value.includes('.')) ?? '');
  await expect(createTokenVerifier(development).verify(stored.replace(/^Bearer /, ''))).resolves.toMatchObject({ role: 'clerk', personCode: clerk });
  await page.close();
});

test.each(['monitor', 'tasks'])('in production the %s sign-in page shows only the token field', async (path) => {
  const origin = await serve(production);
  const page = await browser.newPage();
  const failed: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
  });
  const probed = page.waitForResponse((response) => response.url().endsWith('/dev/sign-in'));
  await page.goto(`${origin}/${path}/`);
  await page.locator('[data-testid="login-form"]').waitFor();
  await probed;
  expect(await page.locator('[data-testid="dev-sign-in-panel"]').isHidden()).toBe(true);
  expect(await page.locator('[data-testid="dev-sign-in-person"]').count()).toBe(0);
  expect(failed).toEqual([]);
  await page.close();
});
