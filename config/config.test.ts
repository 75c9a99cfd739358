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
      databaseUrl: undefined,
      dataDir: '/srv/app/.data',
      gatewayHost: '127.0.0.1',
      gatewayPort: 26500,
      restPort: 8080,
      zeebeAddress: undefined,
      logLevel: 'info',
      embeddedPgPort: 5433,
      attachmentMaxBytes: 20 * 1024 * 1024,
      attachmentDir: '/srv/app/.data/attachments',
      open311Port: 8311,
      apiPort: 4000,
      feedbackTimeout: 'P7D',
      slaSecondsPerHour: 3600,
      duplicateRadiusMeters: 50,
      duplicateWindowHours: 24,
      authMode: 'development',
      jwtSecret: DEVELOPMENT_JWT_SECRET,
      jwksUrl: undefined,
      jwtIssuer: 'grid-dispatch',
      jwtAudience: 'grid-dispatch',
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
        LOG_LEVEL: 'DEBUG',
        EMBEDDED_PG_PORT: '15432',
        ATTACHMENT_MAX_BYTES: '1048576',
        ATTACHMENT_DIR: 'media',
        OPEN311_PORT: '0',
        API_PORT: '4001',
        FEEDBACK_TIMEOUT: 'PT30S',
        SLA_SECONDS_PER_HOUR: '0.5',
        DUPLICATE_RADIUS_METERS: '80',
        DUPLICATE_WINDOW_HOURS: '48',
        AUTH_MODE: 'development',
        JWT_SECRET: 'this-machine-only-0123456789abcdef',
        JWKS_URL: 'https://idp.example/realms/grid/protocol/openid-connect/certs',
        JWT_ISSUER: 'https://idp.example/realms/grid',
        JWT_AUDIENCE: 'grid-dispatch-api',
      },
      '/srv/app',
    );
    expect(config).toEqual({
      databaseUrl: 'postgres://app:secret@db.internal:5432/grid',
      dataDir: '/var/lib/grid-dispatch',
      gatewayHost: '0.0.0.0',
      gatewayPort: 0,
      restPort: 9080,
      zeebeAddress: 'zeebe:26500',
      logLevel: 'debug',
      embeddedPgPort: 15432,
      attachmentMaxBytes: 1_048_576,
      attachmentDir: '/srv/app/media',
      open311Port: 0,
      apiPort: 4001,
      feedbackTimeout: 'PT30S',
      slaSecondsPerHour: 0.5,
      duplicateRadiusMeters: 80,
      duplicateWindowHours: 48,
      authMode: 'development',
      jwtSecret: 'this-machine-only-0123456789abcdef',
      jwksUrl: 'https://idp.example/realms/grid/protocol/openid-connect/certs',
      jwtIssuer: 'https://idp.example/realms/grid',
      jwtAudience: 'grid-dispatch-api',
    });
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
