import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pg from 'pg';
import { loadConfig } from '../../config/config';
import { seedTestCity } from '../../test-support/city';
import { createTestDatabase, type TestDatabase } from '../../test-support/database';
import { devSignInRouter } from './dev-sign-in-router';
import { createTokenVerifier } from './verify-token';

const development = loadConfig({}, '/srv/app');
const production = loadConfig({ AUTH_MODE: 'production', JWKS_URL: 'https://idp.example/jwks', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' }, '/srv/app');

describe('development sign-in (/dev/sign-in)', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  const servers: Server[] = [];

  async function serve(config: typeof development): Promise<string> {
    const app = express();
    app.use('/dev/sign-in', devSignInRouter({ auth: config, db: pool }));
    const server = createServer(app);
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev/sign-in`;
  }

  const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedTestCity(database.url);
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
  }, 60_000);

  afterAll(async () => {
    for (const server of servers) server.close();
    await pool?.end();
    await database?.drop();
  });

  describe('in development mode', () => {
    let url: string;
    beforeAll(async () => {
      url = await serve(development);
    });

    it('says it is on', async () => {
      expect(await (await fetch(url)).json()).toEqual({ enabled: true });
    });

    it('lists seeded people of a role to pick from', async () => {
      const response = await fetch(`${url}/people?role=manager&q=city`);
      expect(response.status).toBe(200);
      const { people } = (await response.json()) as { people: { code: string; role: string }[] };
      expect(people.length).toBeGreaterThan(0);
      expect(people.every((person) => person.role === 'manager' && person.code.includes('city'))).toBe(true);
      expect(people.map((person) => person.code)).toContain('manager-city-1');
    });

    it('lists some people of every role without a filter', async () => {
      const { people } = (await (await fetch(`${url}/people`)).json()) as { people: { role: string }[] };
      expect(new Set(people.map((person) => person.role))).toEqual(new Set(['citizen', 'grid_worker', 'clerk', 'manager', 'admin']));
    });

    it('signs a token that the API accepts, for the person picked', async () => {
      const response = await post(url, { person: 'clerk-sanitation-001' });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = (await response.json()) as { token: string; expiresInSeconds: number };
      await expect(createTokenVerifier(development).verify(body.token)).resolves.toEqual({
        role: 'clerk',
        personCode: 'clerk-sanitation-001',
        departmentCode: 'sanitation',
      });
    });

    it('answers an unknown person and a bad body with the API error shape', async () => {
      const unknown = await post(url, { person: 'nobody-42' });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
      expect(JSON.stringify(await (await post(url, { person: 'nobody-42' })).json())).toContain('nobody-42');
      const bad = await post(url, { who: 1 });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
      expect((await fetch(`${url}/people?role=mayor`)).status).toBe(400);
    });
  });

  describe('in production mode', () => {
    it('is refused: 404 for the list and for signing, no token', async () => {
      const url = await serve(production);
      expect(await (await fetch(url)).json()).toEqual({ enabled: false });
      const list = await fetch(`${url}/people`);
      expect(list.status).toBe(404);
      expect(await list.json()).toEqual({ errors: [{ message: 'development sign-in is off with AUTH_MODE=production', extensions: { code: 'NOT_FOUND' } }] });
      const sign = await post(url, { person: 'admin-1' });
      expect(sign.status).toBe(404);
      expect(JSON.stringify(await sign.json())).not.toContain('token');
    });
  });
});
