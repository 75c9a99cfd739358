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
  ROLES: 'gateway',
  ZEEBE_REST_ADDRESS: 'ftp://engine',
  ENGINE_TABLES: 'no',
  LOG_LEVEL: 'loud',
  OPEN311_PORT: 'x',
  API_PORT: '70000',
  ATTACHMENT_MAX_BYTES: '0',
  ATTACHMENT_DIR: 'a\0b',
  FEEDBACK_TIMEOUT: '7 days',
  SLA_SECONDS_PER_HOUR: '-1',
  SLA_WORKING_HOURS: '17:30-09:00',
  SLA_EXTRA_HOLIDAYS: '2027-1-1',
  SLA_EXTRA_WORKDAYS: 'tomorrow',
  DUPLICATE_RADIUS_METERS: 'near',
  DUPLICATE_WINDOW_HOURS: '0',
  AUTH_MODE: 'none',
  JWT_SECRET: 'short',
  JWKS_URL: 'http://idp.example.org/jwks',
  JWT_ISSUER: '',
  JWT_AUDIENCE: '',
  GATEWAY_AUTH: 'oauth',
  GATEWAY_TOKEN_AUDIENCE: '',
  GATEWAY_ALLOW_UNAUTHENTICATED: 'yes',
  GRAPHQL_MAX_TOKENS: '0',
  GRAPHQL_MAX_SELECTIONS: 'many',
  GRAPHQL_MAX_DEPTH: '101',
  GRAPHQL_MAX_ALIASES: '-1',
  GRAPHQL_MAX_DIRECTIVES: '1.5',
  GRAPHQL_MAX_FRAGMENTS: '0',
  GRAPHQL_MAX_COST: 'x',
  RATE_LIMIT_API_PER_TOKEN: '0',
  RATE_LIMIT_API_PER_IP: 'lots',
  RATE_LIMIT_OPEN311_PER_KEY: '-5',
  RATE_LIMIT_OPEN311_PER_IP: '0',
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '0',
  RATE_LIMIT_REFUSALS_PER_MINUTE: '1e3',
  HTTP_HEADERS_TIMEOUT_MS: '10s',
  HTTP_REQUEST_TIMEOUT_MS: '0',
  HTTP_IDLE_TIMEOUT_MS: '-1',
  CORS_ORIGINS: 'https://tasks.example.org/app',
  ERROR_STACK_TRACES: '1',
  AUTO_SEED: 'no',
  NOTIFY_RETRY_BACKOFF_MS: '0',
  PERSONAL_DATA_RETENTION_DAYS: '0',
  ATTACHMENT_RETENTION_DAYS: 'forever',
  RETENTION_INTERVAL_MS: '-5',
  NOTIFICATION_WEBHOOK_URL: 'ftp://gateway.example.org/notify',
  NOTIFICATION_WEBHOOK_SECRET: 'short',
  NOTIFICATION_SMTP_URL: 'http://mail.example.org',
  NOTIFICATION_EMAIL_FROM: 'dispatch',
  NOTIFICATION_QUIET_HOURS: '25:00-07:00',
  NOTIFICATION_TIME_ZONE: 'Mars/Olympus_Mons',
  NOTIFICATION_POLL_MS: '0',
  NOTIFICATION_RETRY_BASE_MS: '1s',
  NOTIFICATION_MAX_ATTEMPTS: '0',
  NOTIFICATION_LINK_SECRET: 'short',
  NOTIFICATION_PUBLIC_URL: 'localhost:4000',
  NOTIFICATION_FEEDBACK_LINK_HOURS: '0',
  NOTIFICATION_RETENTION_DAYS: '6 months',
  ENGINE_RETENTION_HOURS: '-1',
};

/** The ConfigError loadConfig refuses `env` with. */
function refusalOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, '/srv/app');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('CONFIG_VARIABLES', () => {
  it('names exactly the variables loadConfig reads', () => {
    const read = new Set([...namesRead({}), ...namesRead({ AUTH_MODE: 'production', JWKS_URL: 'https://idp.example.org/jwks', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' })]);
    expect([...read].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it.each(CONFIG_VARIABLES.filter((name) => BAD_VALUES[name] !== ''))('%s with a bad value is refused by name', (name) => {
    expect(refusalOf({ [name]: BAD_VALUES[name] })).toMatchObject({ variable: name });
  });

  it('lists every variable above (an empty value: refused only in production, tested below)', () => {
    expect(Object.keys(BAD_VALUES).sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('refuses JWT_ISSUER and JWT_AUDIENCE missing in production', () => {
    const production = { AUTH_MODE: 'production', JWKS_URL: 'https://idp.example.org/jwks', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' };
    expect(refusalOf({ ...production, JWT_ISSUER: '' })).toMatchObject({ variable: 'JWT_ISSUER' });
    expect(refusalOf({ ...production, JWT_AUDIENCE: '' })).toMatchObject({ variable: 'JWT_AUDIENCE' });
  });
});
