import pg from 'pg';
import { isDatabaseUnavailable } from './unavailable';
import { freePort } from '../test-support/free-port';

function coded(code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error('any words'), { code, ...extra });
}

describe('isDatabaseUnavailable', () => {
  it('takes a refused connection to a port nobody listens on', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: await freePort(), user: 'x', database: 'x' });
    const error: unknown = await client.connect().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each(['57P01', '57P03', '08006', '08001'])('takes SQLSTATE %s', (code) => {
    expect(isDatabaseUnavailable(coded(code))).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: coded(code) }))).toBe(true);
  });

  it('takes MikroORM’s sqlState', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { sqlState: '57P03' }))).toBe(true);
  });

  it.each(['23505', '42P01', '40001'])('leaves SQLSTATE %s to the request', (code) => {
    expect(isDatabaseUnavailable(coded(code))).toBe(false);
  });

  it('leaves errors without a code', () => {
    expect(isDatabaseUnavailable(new Error('57P01'))).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });
});
