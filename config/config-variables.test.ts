import { CONFIG_VARIABLES, ConfigError, loadConfig } from './config';

/** The names loadConfig looks up in an environment, in production mode and in development. */
function namesRead(base: Record<string, string>): Set<string> {
  const read = new Set<string>();
  const env = new Proxy(base, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return Reflect.get(target, name) as unknown;
    },
  });
  try {
    loadConfig(env, '/srv/app');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
  }
  return read;
}

/** A value each variable refuses, where one exists; the others accept any string. */
const BAD_VALUES: Readonly<Record<string, string>> = {
  DATABASE_URL: 'mysql://db/app',
  DATA_DIR: 'a\0b',
  EMBEDDED_PG_PORT: '0',
  GATEWAY_HOST: 'not a host',
  GATEWAY_PORT: '70000',
  REST_PORT: '-1',
  ZEEBE_ADDRESS: 'zeebe',
  LOG_LEVEL: 'loud',
  OPEN311_PORT: 'x',
  API_PORT: '70000',
  ATTACHMENT_MAX_BYTES: '0',
  ATTACHMENT_DIR: 'a\0b',
  FEEDBACK_TIMEOUT: '7 days',
  SLA_SECONDS_PER_HOUR: '-1',
  DUPLICATE_RADIUS_METERS: 'near',
  DUPLICATE_WINDOW_HOURS: '0',
  AUTH_MODE: 'none',
  JWT_SECRET: 'short',
  JWKS_URL: 'http://idp.example.org/jwks',
  JWT_ISSUER: '',
  JWT_AUDIENCE: '',
};

describe('CONFIG_VARIABLES', () => {
  it('names exactly the variables loadConfig reads', () => {
    const read = new Set([...namesRead({}), ...namesRead({ AUTH_MODE: 'production', JWKS_URL: 'https://idp.example.org/jwks', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' })]);
    expect([...read].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it.each(CONFIG_VARIABLES.filter((name) => BAD_VALUES[name] !== ''))('%s with a bad value is refused by name', (name) => {
    expect(() => loadConfig({ [name]: BAD_VALUES[name]! }, '/srv/app')).toThrow(expect.objectContaining({ variable: name }));
  });

  it('lists every variable above (an empty value: refused only in production, tested below)', () => {
    expect(Object.keys(BAD_VALUES).sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('refuses JWT_ISSUER and JWT_AUDIENCE missing in production', () => {
    const production = { AUTH_MODE: 'production', JWKS_URL: 'https://idp.example.org/jwks', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' };
    expect(() => loadConfig({ ...production, JWT_ISSUER: '' }, '/srv/app')).toThrow(expect.objectContaining({ variable: 'JWT_ISSUER' }));
    expect(() => loadConfig({ ...production, JWT_AUDIENCE: '' }, '/srv/app')).toThrow(expect.objectContaining({ variable: 'JWT_AUDIENCE' }));
  });
});
