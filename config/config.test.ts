import { DEVELOPMENT_LINK_SECRET } from './notification-settings';
import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig } from './config';

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, '/srv/app');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the defaults to an empty environment', () => {
    expect(loadConfig({}, '/srv/app')).toEqual({
      roles: ['engine', 'api', 'workers', 'tasklist', 'intake'],
      databaseUrl: undefined,
      dataDir: '/srv/app/.data',
      gatewayHost: '127.0.0.1',
      gatewayPort: 26500,
      restPort: 8080,
      zeebeAddress: undefined,
      zeebeRestAddress: undefined,
      engineTables: true,
      logLevel: 'info',
      embeddedPgPort: 5433,
      attachmentMaxBytes: 20 * 1024 * 1024,
      attachmentDir: '/srv/app/.data/attachments',
      open311Port: 8311,
      apiPort: 4000,
      feedbackTimeout: 'P7D',
      slaSecondsPerHour: 3600,
      slaCalendar: { workingHours: [{ start: 540, end: 720 }, { start: 810, end: 1050 }], extraHolidays: [], extraWorkdays: [] },
      duplicateRadiusMeters: 50,
      duplicateWindowHours: 24,
      authMode: 'development',
      jwtSecret: DEVELOPMENT_JWT_SECRET,
      jwksUrl: undefined,
      jwtIssuer: 'grid-dispatch',
      jwtAudience: 'grid-dispatch',
      gatewayAuth: 'none',
      gatewayTokenAudience: 'zeebe-api',
      gatewayAllowUnauthenticated: false,
      queryLimits: { maxTokens: 2_000, maxSelections: 1_000, maxDepth: 8, maxAliases: 20, maxDirectives: 20, maxFragments: 20, maxCost: 10_000 },
      rateLimits: { apiPerToken: 50, apiPerIp: 50, open311PerKey: 20, open311PerIp: 10, authFailuresPerMinute: 20, refusalsPerMinute: 300 },
      httpTimeouts: { headersMs: 10_000, requestMs: 120_000, idleMs: 30_000 },
      corsOrigins: [],
      errorStackTraces: false,
      notifyRetryBackoffMs: 10_000,
      autoSeed: true,
      personalDataRetentionDays: 1_095,
      attachmentRetentionDays: 365,
      retentionIntervalMs: 3_600_000,
      notifications: {
        webhookUrl: undefined,
        webhookSecret: undefined,
        smtpUrl: undefined,
        emailFrom: 'grid-dispatch@localhost',
        quietHours: { startMinute: 22 * 60, endMinute: 7 * 60 },
        timeZone: 'Asia/Shanghai',
        pollMs: 1_000,
        retryBaseMs: 5_000,
        maxAttempts: 10,
        linkSecret: DEVELOPMENT_LINK_SECRET,
        publicUrl: 'http://localhost:4000',
        feedbackLinkHours: 168,
        retentionDays: 180,
      },
      engineRetentionHours: 720,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        DATABASE_URL: 'postgres://app:secret@db.internal:5432/grid',
        DATA_DIR: '/var/lib/grid-dispatch',
        GATEWAY_HOST: '0.0.0.0',
        GATEWAY_PORT: '0',
        REST_PORT: '9080',
        ZEEBE_ADDRESS: 'zeebe:26500',
        ROLES: 'workers, api',
        ZEEBE_REST_ADDRESS: 'http://zeebe:8080/',
        ENGINE_TABLES: 'true',
        LOG_LEVEL: 'DEBUG',
        EMBEDDED_PG_PORT: '15432',
        ATTACHMENT_MAX_BYTES: '1048576',
        ATTACHMENT_DIR: 'media',
        OPEN311_PORT: '0',
        API_PORT: '4001',
        FEEDBACK_TIMEOUT: 'PT30S',
        SLA_SECONDS_PER_HOUR: '0.5',
        SLA_WORKING_HOURS: '08:30-12:00,14:00-18:00',
        SLA_EXTRA_HOLIDAYS: '2027-01-01',
        SLA_EXTRA_WORKDAYS: '2027-01-04,2027-02-06',
        DUPLICATE_RADIUS_METERS: '80',
        DUPLICATE_WINDOW_HOURS: '48',
        AUTH_MODE: 'development',
        JWT_SECRET: 'this-machine-only-0123456789abcdef',
        JWKS_URL: 'https://idp.example/realms/grid/protocol/openid-connect/certs',
        JWT_ISSUER: 'https://idp.example/realms/grid',
        JWT_AUDIENCE: 'grid-dispatch-api',
        GATEWAY_AUTH: 'jwt',
        GATEWAY_TOKEN_AUDIENCE: 'dispatch-zeebe',
        GATEWAY_ALLOW_UNAUTHENTICATED: 'true',
        GRAPHQL_MAX_TOKENS: '5000',
        GRAPHQL_MAX_SELECTIONS: '2000',
        GRAPHQL_MAX_DEPTH: '10',
        GRAPHQL_MAX_ALIASES: '30',
        GRAPHQL_MAX_DIRECTIVES: '5',
        GRAPHQL_MAX_FRAGMENTS: '40',
        GRAPHQL_MAX_COST: '20000',
        RATE_LIMIT_API_PER_TOKEN: '40',
        RATE_LIMIT_API_PER_IP: '100',
        RATE_LIMIT_OPEN311_PER_KEY: '50',
        RATE_LIMIT_OPEN311_PER_IP: '5',
        RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '3',
        RATE_LIMIT_REFUSALS_PER_MINUTE: '100',
        HTTP_HEADERS_TIMEOUT_MS: '5000',
        HTTP_REQUEST_TIMEOUT_MS: '60000',
        HTTP_IDLE_TIMEOUT_MS: '15000',
        CORS_ORIGINS: 'https://tasks.city.example, https://monitor.city.example',
        ERROR_STACK_TRACES: 'true',
        AUTO_SEED: 'true',
        NOTIFY_RETRY_BACKOFF_MS: '250',
        PERSONAL_DATA_RETENTION_DAYS: '730',
        ATTACHMENT_RETENTION_DAYS: '180',
        RETENTION_INTERVAL_MS: '600000',
        NOTIFICATION_WEBHOOK_URL: 'https://sms-gateway.city.example/notify',
        NOTIFICATION_WEBHOOK_SECRET: 'w'.repeat(40),
        NOTIFICATION_SMTP_URL: 'smtp://relay.city.example:25',
        NOTIFICATION_EMAIL_FROM: 'dispatch@city.example',
        NOTIFICATION_QUIET_HOURS: '23:30-06:15',
        NOTIFICATION_TIME_ZONE: 'Asia/Urumqi',
        NOTIFICATION_POLL_MS: '500',
        NOTIFICATION_RETRY_BASE_MS: '2000',
        NOTIFICATION_MAX_ATTEMPTS: '5',
        NOTIFICATION_LINK_SECRET: 'l'.repeat(40),
        NOTIFICATION_PUBLIC_URL: 'https://grid.city.example/',
        NOTIFICATION_FEEDBACK_LINK_HOURS: '72',
        NOTIFICATION_RETENTION_DAYS: '30',
        ENGINE_RETENTION_HOURS: '48',
      },
      '/srv/app',
    );
    expect(config).toEqual({
      roles: ['api', 'workers'],
      databaseUrl: 'postgres://app:secret@db.internal:5432/grid',
      dataDir: '/var/lib/grid-dispatch',
      gatewayHost: '0.0.0.0',
      gatewayPort: 0,
      restPort: 9080,
      zeebeAddress: 'zeebe:26500',
      zeebeRestAddress: 'http://zeebe:8080',
      engineTables: true,
      logLevel: 'debug',
      embeddedPgPort: 15432,
      attachmentMaxBytes: 1_048_576,
      attachmentDir: '/srv/app/media',
      open311Port: 0,
      apiPort: 4001,
      feedbackTimeout: 'PT30S',
      slaSecondsPerHour: 0.5,
      slaCalendar: { workingHours: [{ start: 510, end: 720 }, { start: 840, end: 1080 }], extraHolidays: ['2027-01-01'], extraWorkdays: ['2027-01-04', '2027-02-06'] },
      duplicateRadiusMeters: 80,
      duplicateWindowHours: 48,
      authMode: 'development',
      jwtSecret: 'this-machine-only-0123456789abcdef',
      jwksUrl: 'https://idp.example/realms/grid/protocol/openid-connect/certs',
      jwtIssuer: 'https://idp.example/realms/grid',
      jwtAudience: 'grid-dispatch-api',
      gatewayAuth: 'jwt',
      gatewayTokenAudience: 'dispatch-zeebe',
      gatewayAllowUnauthenticated: true,
      queryLimits: { maxTokens: 5_000, maxSelections: 2_000, maxDepth: 10, maxAliases: 30, maxDirectives: 5, maxFragments: 40, maxCost: 20_000 },
      rateLimits: { apiPerToken: 40, apiPerIp: 100, open311PerKey: 50, open311PerIp: 5, authFailuresPerMinute: 3, refusalsPerMinute: 100 },
      httpTimeouts: { headersMs: 5_000, requestMs: 60_000, idleMs: 15_000 },
      corsOrigins: ['https://tasks.city.example', 'https://monitor.city.example'],
      errorStackTraces: true,
      notifyRetryBackoffMs: 250,
      personalDataRetentionDays: 730,
      attachmentRetentionDays: 180,
      retentionIntervalMs: 600_000,
      autoSeed: true,
      engineRetentionHours: 48,
      notifications: {
        webhookUrl: 'https://sms-gateway.city.example/notify',
        webhookSecret: 'w'.repeat(40),
        smtpUrl: 'smtp://relay.city.example:25',
        emailFrom: 'dispatch@city.example',
        quietHours: { startMinute: 23 * 60 + 30, endMinute: 6 * 60 + 15 },
        timeZone: 'Asia/Urumqi',
        pollMs: 500,
        retryBaseMs: 2_000,
        maxAttempts: 5,
        linkSecret: 'l'.repeat(40),
        publicUrl: 'https://grid.city.example',
        feedbackLinkHours: 72,
        retentionDays: 30,
      },
    });
  });

  describe('notifications', () => {
    it('needs the webhook secret with its URL, and turns quiet hours off', () => {
      expect(errorOf({ NOTIFICATION_WEBHOOK_URL: 'https://sms.example/notify' })).toMatchObject({ variable: 'NOTIFICATION_WEBHOOK_SECRET' });
      expect(loadConfig({ NOTIFICATION_QUIET_HOURS: 'off' }, '/srv/app').notifications.quietHours).toBeUndefined();
      expect(errorOf({ NOTIFICATION_QUIET_HOURS: '07:00-07:00' })).toMatchObject({ variable: 'NOTIFICATION_QUIET_HOURS' });
    });

    it('keeps notifications for ever at 0, and never shorter than a feedback link is valid', () => {
      expect(loadConfig({ NOTIFICATION_RETENTION_DAYS: '0' }, '/srv/app').notifications.retentionDays).toBe(0);
      expect(errorOf({ NOTIFICATION_RETENTION_DAYS: '7' })).toMatchObject({ variable: 'NOTIFICATION_RETENTION_DAYS', message: expect.stringContaining('NOTIFICATION_FEEDBACK_LINK_HOURS 168') as unknown });
      expect(loadConfig({ NOTIFICATION_RETENTION_DAYS: '8' }, '/srv/app').notifications.retentionDays).toBe(8);
      expect(loadConfig({ NOTIFICATION_RETENTION_DAYS: '2', NOTIFICATION_FEEDBACK_LINK_HOURS: '24' }, '/srv/app').notifications.retentionDays).toBe(2);
    });

    it('sends no feedback links in production without a secret of its own', () => {
      const production = { AUTH_MODE: 'production', JWKS_URL: 'https://idp.example.org/jwks', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' };
      expect(loadConfig(production, '/srv/app').notifications.linkSecret).toBeUndefined();
      expect(loadConfig({ ...production, NOTIFICATION_LINK_SECRET: 's'.repeat(32) }, '/srv/app').notifications.linkSecret).toBe('s'.repeat(32));
    });
  });

  describe('seeding the reference city at start', () => {
    it('is on for the embedded PostgreSQL and off for an external DATABASE_URL', () => {
      expect(loadConfig({}, '/srv/app').autoSeed).toBe(true);
      expect(loadConfig({ DATABASE_URL: 'postgres://app@db.internal/grid' }, '/srv/app').autoSeed).toBe(false);
    });

    it('follows AUTO_SEED either way', () => {
      expect(loadConfig({ AUTO_SEED: 'false' }, '/srv/app').autoSeed).toBe(false);
      expect(loadConfig({ AUTO_SEED: 'true', DATABASE_URL: 'postgres://app@db.internal/grid' }, '/srv/app').autoSeed).toBe(true);
      expect(errorOf({ AUTO_SEED: 'yes' }).message).toBe('AUTO_SEED: expected true or false, got "yes"');
    });
  });

  describe('the embedded gateway beyond loopback', () => {
    it.each(['127.0.0.1', '127.0.0.2', 'localhost', '::1'])('listens on %s without further settings', (host) => {
      expect(loadConfig({ GATEWAY_HOST: host }, '/srv/app').gatewayHost).toBe(host);
    });

    it.each(['0.0.0.0', '::', '10.0.0.7', 'dispatch.city.example'])('refuses %s without authentication, in one line', (host) => {
      const error = errorOf({ GATEWAY_HOST: host });
      expect(error.variable).toBe('GATEWAY_HOST');
      expect(error.message).toBe(
        `GATEWAY_HOST: ${host} is beyond loopback and the embedded Zeebe gateway has no authentication: set GATEWAY_AUTH=jwt, or listen on 127.0.0.1, or set GATEWAY_ALLOW_UNAUTHENTICATED=true where only trusted peers reach it`,
      );
    });

    it.each(['0.0.0.0', '::', '10.0.0.7'])('listens on %s when callers authenticate with tokens (GATEWAY_AUTH=jwt)', (host) => {
      expect(loadConfig({ GATEWAY_HOST: host, GATEWAY_AUTH: 'jwt' }, '/srv/app')).toMatchObject({ gatewayHost: host, gatewayAuth: 'jwt' });
    });

    it('refuses an unknown GATEWAY_AUTH by name', () => {
      const error = errorOf({ GATEWAY_AUTH: 'oauth' });
      expect(error.message).toBe('GATEWAY_AUTH: expected one of none, jwt, got "oauth"');
    });

    it('listens beyond loopback when explicitly allowed, or when no embedded gateway starts', () => {
      expect(loadConfig({ GATEWAY_HOST: '0.0.0.0', GATEWAY_ALLOW_UNAUTHENTICATED: 'true' }, '/srv/app').gatewayHost).toBe('0.0.0.0');
      expect(loadConfig({ GATEWAY_HOST: '0.0.0.0', ZEEBE_ADDRESS: 'zeebe:26500' }, '/srv/app').gatewayHost).toBe('0.0.0.0');
    });
  });

  describe('roles', () => {
    it('runs every role by default, and every role but the engine when ZEEBE_ADDRESS names one elsewhere', () => {
      expect(loadConfig({ ZEEBE_ADDRESS: 'engine:26500' }, '/srv/app')).toMatchObject({ roles: ['api', 'workers', 'tasklist', 'intake'], engineTables: false });
    });

    it('takes the roles named, in their own order, with spaces and empty items ignored', () => {
      expect(loadConfig({ ROLES: ' intake, ,api ', ZEEBE_ADDRESS: 'engine:26500' }, '/srv/app').roles).toEqual(['api', 'intake']);
      expect(loadConfig({ ROLES: 'engine' }, '/srv/app').roles).toEqual(['engine']);
    });

    it('refuses an unknown role by name, and a role named twice', () => {
      expect(errorOf({ ROLES: 'engine,apis' }).message).toBe('ROLES: unknown role "apis": expected one or more of engine, api, workers, tasklist, intake');
      expect(errorOf({ ROLES: 'api,api', ZEEBE_ADDRESS: 'engine:26500' }).message).toBe('ROLES: "api" is named twice');
      expect(errorOf({ ROLES: ',' }).variable).toBe('ROLES');
    });

    it('needs ZEEBE_ADDRESS without the engine, and refuses it with the engine', () => {
      expect(errorOf({ ROLES: 'api,workers' }).message).toBe("ZEEBE_ADDRESS: is required with ROLES=api,workers: the engine runs elsewhere, so its gateway's host:port must be given");
      expect(errorOf({ ROLES: 'engine,api', ZEEBE_ADDRESS: 'engine:26500' }).variable).toBe('ROLES');
    });

    it('reads the engine REST address and whether its tables are in this database', () => {
      expect(loadConfig({ ROLES: 'api', ZEEBE_ADDRESS: 'engine:26500', ZEEBE_REST_ADDRESS: 'http://engine:8080', ENGINE_TABLES: 'true' }, '/srv/app')).toMatchObject({
        zeebeRestAddress: 'http://engine:8080',
        engineTables: true,
      });
      expect(errorOf({ ZEEBE_REST_ADDRESS: 'engine:8080', ZEEBE_ADDRESS: 'engine:26500' }).variable).toBe('ZEEBE_REST_ADDRESS');
      expect(errorOf({ ZEEBE_REST_ADDRESS: 'http://engine:8080' }).variable).toBe('ZEEBE_REST_ADDRESS');
      expect(errorOf({ ENGINE_TABLES: 'false' }).variable).toBe('ENGINE_TABLES');
    });
  });

  it('refuses stack traces in error answers in production', () => {
    const error = errorOf({ ERROR_STACK_TRACES: 'true', AUTH_MODE: 'production', JWKS_URL: 'https://idp.example/jwks', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' });
    expect(error.variable).toBe('ERROR_STACK_TRACES');
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadConfig({}, '/srv/app'))).toBe(true);
  });

  it('resolves a relative DATA_DIR against the working directory', () => {
    expect(loadConfig({ DATA_DIR: 'state/pg' }, '/srv/app').dataDir).toBe('/srv/app/state/pg');
  });

  it('treats empty values as unset', () => {
    const config = loadConfig({ DATABASE_URL: '', GATEWAY_PORT: '', LOG_LEVEL: '', ZEEBE_ADDRESS: '' }, '/srv/app');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.gatewayPort).toBe(26500);
    expect(config.logLevel).toBe('info');
    expect(config.zeebeAddress).toBeUndefined();
  });

  it.each([
    ['FEEDBACK_TIMEOUT', '7 days', 'FEEDBACK_TIMEOUT: expected a positive ISO 8601 duration such as P7D or PT30S, got "7 days"'],
    ['FEEDBACK_TIMEOUT', 'PT0S', 'FEEDBACK_TIMEOUT: expected a positive ISO 8601 duration such as P7D or PT30S, got "PT0S"'],
    ['FEEDBACK_TIMEOUT', 'P1DT', 'FEEDBACK_TIMEOUT: expected a positive ISO 8601 duration such as P7D or PT30S, got "P1DT"'],
    ['SLA_SECONDS_PER_HOUR', '0', 'SLA_SECONDS_PER_HOUR: expected a number > 0 and <= 86400, got "0"'],
    ['SLA_SECONDS_PER_HOUR', '-5', 'SLA_SECONDS_PER_HOUR: expected a number > 0 and <= 86400, got "-5"'],
    ['SLA_WORKING_HOURS', '9-17', "SLA_WORKING_HOURS: '9-17' is not a period HH:MM-HH:MM (e.g. 09:00-12:00)"],
    ['SLA_WORKING_HOURS', '13:00-17:00,09:00-12:00', "SLA_WORKING_HOURS: '13:00-17:00,09:00-12:00': periods must be in order and must not overlap"],
    ['SLA_EXTRA_HOLIDAYS', '2027-13-01', "SLA_EXTRA_HOLIDAYS: '2027-13-01' is not a date YYYY-MM-DD"],
    ['DUPLICATE_RADIUS_METERS', 'far', 'DUPLICATE_RADIUS_METERS: expected a number > 0 and <= 10000, got "far"'],
    ['DUPLICATE_WINDOW_HOURS', '1e3', 'DUPLICATE_WINDOW_HOURS: expected a number > 0 and <= 8760, got "1e3"'],
    ['GATEWAY_PORT', 'abc', 'GATEWAY_PORT: expected an integer 0..65535, got "abc"'],
    ['GATEWAY_PORT', '65536', 'GATEWAY_PORT: expected an integer 0..65535, got "65536"'],
    ['GATEWAY_PORT', '-1', 'GATEWAY_PORT: expected an integer 0..65535, got "-1"'],
    ['GATEWAY_PORT', '80.5', 'GATEWAY_PORT: expected an integer 0..65535, got "80.5"'],
    ['GATEWAY_PORT', ' 80', 'GATEWAY_PORT: expected an integer 0..65535, got " 80"'],
    ['EMBEDDED_PG_PORT', '0', 'EMBEDDED_PG_PORT: expected an integer 1..65535, got "0"'],
    ['OPEN311_PORT', '70000', 'OPEN311_PORT: expected an integer 0..65535, got "70000"'],
    ['ATTACHMENT_MAX_BYTES', '20MiB', 'ATTACHMENT_MAX_BYTES: expected a number of bytes 1..1073741824, got "20MiB"'],
    ['ATTACHMENT_MAX_BYTES', '0', 'ATTACHMENT_MAX_BYTES: expected a number of bytes 1..1073741824, got "0"'],
    ['ATTACHMENT_MAX_BYTES', '2147483648', 'ATTACHMENT_MAX_BYTES: expected a number of bytes 1..1073741824, got "2147483648"'],
    ['GATEWAY_HOST', 'http://localhost', 'GATEWAY_HOST: expected a host name or IP address, got "http://localhost"'],
    ['AUTH_MODE', 'prod', 'AUTH_MODE: expected one of development, production, got "prod"'],
    ['JWT_SECRET', 'short', 'JWT_SECRET: expected at least 32 characters, got 5 (value not shown)'],
    ['JWKS_URL', 'idp.example/jwks', 'JWKS_URL: expected an https:// URL, got "idp.example/jwks"'],
    ['JWKS_URL', 'http://idp.example/jwks', 'JWKS_URL: expected an https:// URL (http:// only on localhost), got "http://idp.example/jwks"'],
    ['LOG_LEVEL', 'verbose', 'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"'],
  ])('rejects %s=%j', (variable, value, message) => {
    const error = errorOf({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message).toBe(message);
    expect(error.message).not.toContain('\n');
  });

  it.each(['localhost:26500', '10.0.0.7:26500', '[::1]:26500', 'zeebe-gateway.camunda.svc:443'])(
    'accepts ZEEBE_ADDRESS=%s',
    (address) => {
      expect(loadConfig({ ZEEBE_ADDRESS: address }, '/srv/app').zeebeAddress).toBe(address);
    },
  );

  it.each(['zeebe', 'http://zeebe:26500', 'zeebe:0', 'zeebe:70000', '::1:26500', 'zeebe:26500/'])(
    'rejects ZEEBE_ADDRESS=%s',
    (address) => {
      const error = errorOf({ ZEEBE_ADDRESS: address });
      expect(error.variable).toBe('ZEEBE_ADDRESS');
      expect(error.message).toMatch(/^ZEEBE_ADDRESS: expected host:port/);
    },
  );

  it.each(['postgres://u:p@h/db', 'postgresql://u@h:6543/db?sslmode=require', 'postgres:///db?host=/run/postgresql'])(
    'accepts DATABASE_URL=%s',
    (url) => {
      expect(loadConfig({ DATABASE_URL: url }, '/srv/app').databaseUrl).toBe(url);
    },
  );

  it('rejects a DATABASE_URL without echoing its password', () => {
    for (const url of ['not a url s3cret', 'mysql://u:s3cret@h/db', 'postgres://u:s3cret@h', 'postgres://u:s3cret@h/']) {
      const error = errorOf({ DATABASE_URL: url });
      expect(error.variable).toBe('DATABASE_URL');
      expect(error.message).not.toContain('s3cret');
    }
    expect(errorOf({ DATABASE_URL: 'mysql://u:s3cret@h/db' }).message).toBe(
      'DATABASE_URL: expected scheme postgres: or postgresql:, got "mysql:"',
    );
  });

  describe('AUTH_MODE=production', () => {
    const production = {
      AUTH_MODE: 'production',
      JWKS_URL: 'https://idp.example/jwks',
      JWT_ISSUER: 'https://idp.example/realms/grid',
      JWT_AUDIENCE: 'grid-dispatch-api',
    };

    it('needs a JWKS, an issuer and an audience, and has no shared secret', () => {
      expect(loadConfig(production, '/srv/app')).toMatchObject({
        authMode: 'production',
        jwtSecret: undefined,
        jwksUrl: 'https://idp.example/jwks',
        jwtIssuer: 'https://idp.example/realms/grid',
        jwtAudience: 'grid-dispatch-api',
      });
    });

    it('refuses the development secret', () => {
      const error = errorOf({ ...production, JWT_SECRET: DEVELOPMENT_JWT_SECRET });
      expect(error.variable).toBe('JWT_SECRET');
      expect(error.message).toBe('JWT_SECRET: the development secret must not be used with AUTH_MODE=production');
    });

    it('refuses any shared secret, which it would not use', () => {
      const error = errorOf({ ...production, JWT_SECRET: 'a-long-enough-production-secret-0123456789' });
      expect(error.variable).toBe('JWT_SECRET');
      expect(error.message).not.toContain('0123456789');
    });

    it.each(['JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE'])('refuses to start without %s', (variable) => {
      const error = errorOf({ ...production, [variable]: '' });
      expect(error.variable).toBe(variable);
      expect(error.message).toBe(`${variable}: is required with AUTH_MODE=production`);
    });

    it('accepts a JWKS over http on this machine only', () => {
      expect(loadConfig({ ...production, JWKS_URL: 'http://127.0.0.1:8080/jwks' }, '/srv/app').jwksUrl).toBe('http://127.0.0.1:8080/jwks');
    });
  });
});
