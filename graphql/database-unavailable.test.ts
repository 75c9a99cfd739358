import { GraphQLError } from 'graphql';
import pino from 'pino';
import { ApiErrorCode } from './error-codes';
import { DATABASE_RETRY_AFTER_SECONDS, formatError, unavailableHead } from './errors';

/*
 * PostgreSQL away becomes SERVICE_UNAVAILABLE with a retry hint, decided by
 * the error's codes: each error's message names another code, and an error
 * whose message alone says "connection refused" stays internal.
 */

const format = formatError(pino({ level: 'silent' }));
const coded = (code: string, message = 'INTERNAL_SERVER_ERROR 23505'): Error => Object.assign(new Error(message), { code });
/** As Apollo hands a resolver's error to formatError. */
const asResolved = (error: Error): [{ message: string; path: string[] }, GraphQLError] => [{ message: error.message, path: ['events'] }, new GraphQLError(error.message, { originalError: error, path: ['events'] })];

test.each([
  ['57P01', 'terminating connection due to administrator command'],
  ['57P03', 'the database system is starting up'],
  ['08006', 'connection failure'],
  ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'],
])('SQLSTATE or errno %s: SERVICE_UNAVAILABLE with retryAfterSeconds', (code) => {
  expect(format(...asResolved(coded(code)))).toEqual({
    message: `the service cannot reach its database for the moment: try again in ${DATABASE_RETRY_AFTER_SECONDS} s`,
    path: ['events'],
    locations: undefined,
    extensions: { code: ApiErrorCode.SERVICE_UNAVAILABLE, retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
  });
});

test('a connection error wrapped by the ORM (its cause carries the code) is SERVICE_UNAVAILABLE too', () => {
  const wrapped = new Error('query failed', { cause: coded('ECONNRESET') });
  expect(format(...asResolved(wrapped)).extensions).toMatchObject({ code: ApiErrorCode.SERVICE_UNAVAILABLE });
});

test('other database errors, and a message that only reads like an outage, stay INTERNAL_SERVER_ERROR', () => {
  expect(format(...asResolved(coded('23505', 'connect ECONNREFUSED'))).extensions).toEqual({ code: ApiErrorCode.INTERNAL_SERVER_ERROR });
  expect(format(...asResolved(new Error('57P01 Connection terminated unexpectedly'))).extensions).toEqual({ code: ApiErrorCode.INTERNAL_SERVER_ERROR });
});

test('HTTP 503 with Retry-After only when every error is SERVICE_UNAVAILABLE and nothing was answered', () => {
  const unavailable = { message: 'x', extensions: { code: ApiErrorCode.SERVICE_UNAVAILABLE } };
  const internal = { message: 'x', extensions: { code: ApiErrorCode.INTERNAL_SERVER_ERROR } };
  expect(unavailableHead([unavailable], null)).toEqual({ status: 503, retryAfter: String(DATABASE_RETRY_AFTER_SECONDS) });
  expect(unavailableHead([unavailable], undefined)).toEqual({ status: 503, retryAfter: String(DATABASE_RETRY_AFTER_SECONDS) });
  expect(unavailableHead([unavailable], { me: null, events: [] })).toBeUndefined();
  expect(unavailableHead([unavailable, internal], null)).toBeUndefined();
  expect(unavailableHead([], null)).toBeUndefined();
  expect(unavailableHead(undefined, null)).toBeUndefined();
});
