/**
 * Development sign-in for the browser pages (monitor, task list): list some
 * seeded people, and sign a development token for one of them — what
 * `npm run token` prints, without a terminal. Only with AUTH_MODE=development,
 * whose token secret is public anyway (anyone can sign such tokens), so this
 * adds no power; with AUTH_MODE=production every request is answered 404.
 *
 *   GET  <mount>                              → { enabled: true | false } (in both modes)
 *   GET  <mount>/people?role=manager&q=city   → { people: [{ code, name, role, departmentCode, gridCode }] }
 *   POST <mount>  { "person": "manager-city-1" } → { token, person, expiresInSeconds }
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Queryable } from '../../db/queryable';
import { PERSON_ROLES, type PersonRole } from '../../orm/entities/vocabulary';
import { ApiErrorCode } from '../error-codes';
import { PersonNotFoundError } from './auth-errors';
import { findViewer } from './find-viewer';
import { DEVELOPMENT_TOKEN_LIFETIME_SECONDS, signDevelopmentToken } from './sign-token';
import type { AuthSettings } from './verify-token';

/** People listed per role: enough to pick from, few enough for a select. */
const LISTED_PER_ROLE = 25;

export interface DevSignInOptions {
  readonly auth: AuthSettings;
  readonly db: Queryable;
}

interface PersonListRow {
  readonly code: string;
  readonly name: string;
  readonly role: PersonRole;
  readonly department_code: string | null;
  readonly grid_code: string | null;
}

export function devSignInRouter(options: DevSignInOptions): Router {
  const router = express.Router();
  // Whether it is on: a page asks before it offers the sign-in, so that a production page logs no failed request.
  router.get('/', (_request: Request, response: Response) => {
    response.json({ enabled: options.auth.authMode === 'development' });
  });
  if (options.auth.authMode !== 'development') {
    router.use((_request: Request, response: Response) => {
      fail(response, 404, ApiErrorCode.NOT_FOUND, 'development sign-in is off with AUTH_MODE=production');
    });
    return router;
  }

  router.get('/people', (request: Request, response: Response, next: NextFunction) => {
    const role = typeof request.query['role'] === 'string' ? request.query['role'] : undefined;
    const search = typeof request.query['q'] === 'string' ? request.query['q'].slice(0, 100) : '';
    if (role !== undefined && !(PERSON_ROLES as readonly string[]).includes(role)) {
      fail(response, 400, ApiErrorCode.BAD_USER_INPUT, `role: expected one of ${PERSON_ROLES.join(', ')}`);
      return;
    }
    listPeople(options.db, role === undefined ? PERSON_ROLES : [role as PersonRole], search)
      .then((rows) =>
        response.json({
          people: rows.map((row) => ({ code: row.code, name: row.name, role: row.role, departmentCode: row.department_code, gridCode: row.grid_code })),
        }),
      )
      .catch(next);
  });

  router.post('/', express.json({ limit: 1024 }), (request: Request, response: Response, next: NextFunction) => {
    const person = (request.body as { person?: unknown } | undefined)?.person;
    if (typeof person !== 'string' || person === '' || person.length > 100) {
      fail(response, 400, ApiErrorCode.BAD_USER_INPUT, 'person: expected a seeded person code such as manager-city-1');
      return;
    }
    findViewer(options.db, person)
      .then(async (viewer) => {
        const token = await signDevelopmentToken(options.auth, viewer);
        response.set('cache-control', 'no-store').json({ token, person: viewer, expiresInSeconds: DEVELOPMENT_TOKEN_LIFETIME_SECONDS });
      })
      .catch((error: unknown) => {
        if (error instanceof PersonNotFoundError) fail(response, 404, ApiErrorCode.NOT_FOUND, `unknown person ${error.message}`);
        else next(error);
      });
  });
  return router;
}

/** The first people of each role (by code), or those whose code or name contains `search`. */
async function listPeople(db: Queryable, roles: readonly PersonRole[], search: string): Promise<PersonListRow[]> {
  const { rows } = await db.query<PersonListRow>(
    `select listed.code, listed.name, listed.role, listed.department_code, listed.grid_code
       from unnest($1::text[]) as r(role)
       cross join lateral (
         select code, name, role, department_code, grid_code from public.person p
          where p.role::text = r.role and ($2::text = '' or p.code ilike '%' || $2::text || '%' or p.name ilike '%' || $2::text || '%')
          order by p.code limit $3::int
       ) listed
      order by array_position($1::text[], listed.role::text), listed.code`,
    [roles, search, LISTED_PER_ROLE],
  );
  return rows;
}

function fail(response: Response, status: number, code: ApiErrorCode, message: string): void {
  response.status(status).json({ errors: [{ message, extensions: { code } }] });
}
