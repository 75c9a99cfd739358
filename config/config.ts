import { isIP } from 'node:net';
import path from 'node:path';
import { CodedError, type CodeOf } from '../errors/coded-error';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const AUTH_MODES = ['development', 'production'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** How callers of the embedded Zeebe gateway prove who they are: not at all, or with a bearer JWT. */
export const GATEWAY_AUTH_MODES = ['none', 'jwt'] as const;
export type GatewayAuthMode = (typeof GATEWAY_AUTH_MODES)[number];

/**
 * Signs and verifies the development tokens of `npm run token`. It is public
 * (it is in this file and in the docs), so production refuses it.
 */
export const DEVELOPMENT_JWT_SECRET = 'grid-dispatch-development-secret-do-not-use-in-production';

export interface Config {
  /** External PostgreSQL; undefined = start the embedded one. */
  readonly databaseUrl: string | undefined;
  /** Absolute; the embedded PostgreSQL keeps its cluster in `<dataDir>/postgres`. */
  readonly dataDir: string;
  readonly gatewayHost: string;
  /** 0 = any free port. */
  readonly gatewayPort: number;
  /** Port of the embedded engine's REST API (Camunda's Orchestration Cluster API v2, `/v2`), on GATEWAY_HOST; 0 = any free port. */
  readonly restPort: number;
  /** `host:port` of an external Zeebe gateway; when set the embedded engine is not started. */
  readonly zeebeAddress: string | undefined;
  /** The REST (v2) address of that cluster, for the task list; default `http://<ZEEBE_ADDRESS's host>:8080/v2`, Camunda's own default. */
  readonly zeebeRestAddress: string | undefined;
  readonly logLevel: LogLevel;
  readonly embeddedPgPort: number;
  /** Largest attachment (photo, voice, video) a report may carry, in bytes. */
  readonly attachmentMaxBytes: number;
  /** Absolute; where attachments are stored by content hash. */
  readonly attachmentDir: string;
  /** Port of the Open311 GeoReport v2 endpoint, on GATEWAY_HOST; 0 = any free port. */
  readonly open311Port: number;
  /** Port of the HTTP API (/graphql, /monitor, /metrics, /healthz, /readyz), on GATEWAY_HOST; 0 = any free port. */
  readonly apiPort: number;
  /** ISO 8601 duration the process waits for a citizen's feedback (collect-event hands it to the process). */
  readonly feedbackTimeout: string;
  /** Seconds an SLA hour lasts: 3600 in service, less in tests and demonstrations. */
  readonly slaSecondsPerHour: number;
  /** Reports of one category closer than this (metres) to an open event are merged into it… */
  readonly duplicateRadiusMeters: number;
  /** …when that event was reported at most this many hours earlier. */
  readonly duplicateWindowHours: number;
  /** development: HS256 tokens signed with jwtSecret; production: RS256 tokens checked against jwksUrl. */
  readonly authMode: AuthMode;
  /** HS256 secret; undefined in production, which accepts only JWKS-signed tokens. */
  readonly jwtSecret: string | undefined;
  /** The identity provider's JSON Web Key Set; required in production, unused in development. */
  readonly jwksUrl: string | undefined;
  /** Required `iss` of every token. */
  readonly jwtIssuer: string;
  /** Required `aud` of every token. */
  readonly jwtAudience: string;
  /** Authentication of the embedded Zeebe gateway's callers; `jwt` checks tokens as the API does, for gatewayTokenAudience. */
  readonly gatewayAuth: GatewayAuthMode;
  /** Required `aud` of a gateway token (Camunda's default audience for the Zeebe API). */
  readonly gatewayTokenAudience: string;
  /** Lets the embedded Zeebe gateway listen beyond loopback without authentication (a trusted private network only). */
  readonly gatewayAllowUnauthenticated: boolean;
  /** What one GraphQL document may ask for (graphql/limits.ts). */
  readonly queryLimits: QueryLimitSettings;
  /** Requests per second and failed credentials per minute a client may send (docs/operations.md, Limits). */
  readonly rateLimits: RateLimitSettings;
  /** Slow clients are cut off after these (HTTP API and Open311). */
  readonly httpTimeouts: HttpTimeoutSettings;
  /** Origins whose browser pages may call the HTTP API; none by default. */
  readonly corsOrigins: readonly string[];
  /** Stack traces in error answers: for development only, never by default. */
  readonly errorStackTraces: boolean;
  /** First back-off of a notify-department job after its department failed, doubled per failure (10 s in service, less in demonstrations). */
  readonly notifyRetryBackoffMs: number;
  /** Seed the reference city at start when the database has none; by default only on the embedded PostgreSQL. */
  readonly autoSeed: boolean;
}

/** The bounds of every GraphQL document (graphql/limits.ts applies them); declared here so that the configuration depends on nothing. */
export interface QueryLimitSettings {
  /** Lexical tokens of the document: bounds parsing itself (graphql-js `maxTokens`). */
  readonly maxTokens: number;
  /** Field selections of an operation with its fragments spread, as it would execute. */
  readonly maxSelections: number;
  /** Nesting of selections. */
  readonly maxDepth: number;
  /** Aliased fields, `__typename` included. */
  readonly maxAliases: number;
  /** Directives anywhere in an operation. */
  readonly maxDirectives: number;
  /** Fragment definitions in the document. */
  readonly maxFragments: number;
  /** Estimated cost: a page costs its size times its selection (see listEstimator). */
  readonly maxCost: number;
}

export interface RateLimitSettings {
  /** GraphQL requests per second of one bearer token (its subject). */
  readonly apiPerToken: number;
  /** GraphQL requests per second from one IP address without a token. */
  readonly apiPerIp: number;
  /** Open311 requests per second of one API key. */
  readonly open311PerKey: number;
  /** Open311 requests per second from one IP address before its key is known (wrong or missing keys, reads of services.json). */
  readonly open311PerIp: number;
  /** Failed tokens or API keys per minute from one IP address; past it the address is refused for a minute. */
  readonly authFailuresPerMinute: number;
  /** 429 answers per minute to one IP address; past it the address's connections are dropped as they come, for a minute. */
  readonly refusalsPerMinute: number;
}

export interface HttpTimeoutSettings {
  /** Until a request's headers are complete. */
  readonly headersMs: number;
  /** Until the whole request (with its body) has arrived. */
  readonly requestMs: number;
  /** Without a byte either way on a connection. */
  readonly idleMs: number;
}

export const DEFAULTS = Object.freeze({
  dataDir: './.data',
  gatewayHost: '127.0.0.1',
  gatewayPort: 26500,
  restPort: 8080,
  logLevel: 'info',
  embeddedPgPort: 5433,
  attachmentMaxBytes: 20 * 1024 * 1024,
  open311Port: 8311,
  apiPort: 4000,
  feedbackTimeout: 'P7D',
  slaSecondsPerHour: 3600,
  duplicateRadiusMeters: 50,
  duplicateWindowHours: 24,
  authMode: 'development',
  jwtSecret: DEVELOPMENT_JWT_SECRET,
  jwtIssuer: 'grid-dispatch',
  jwtAudience: 'grid-dispatch',
  gatewayAuth: 'none',
  gatewayTokenAudience: 'zeebe-api',
  gatewayAllowUnauthenticated: false,
  queryLimits: Object.freeze({
    maxTokens: 2_000,
    maxSelections: 1_000,
    maxDepth: 8,
    maxAliases: 20,
    maxDirectives: 20,
    maxFragments: 20,
    maxCost: 10_000,
  }),
  rateLimits: Object.freeze({
    apiPerToken: 50,
    apiPerIp: 50,
    open311PerKey: 20,
    open311PerIp: 10,
    authFailuresPerMinute: 20,
    refusalsPerMinute: 300,
  }),
  httpTimeouts: Object.freeze({ headersMs: 10_000, requestMs: 120_000, idleMs: 30_000 }),
  corsOrigins: Object.freeze([]),
  errorStackTraces: false,
  notifyRetryBackoffMs: 10_000,
});

/** HS256 keys shorter than the hash (32 bytes) weaken it (RFC 7518, 3.2). */
const JWT_SECRET_MIN_LENGTH = 32;

/** 1 GiB: attachments are held in memory while checked, so larger ones are refused by configuration. */
const ATTACHMENT_MAX_BYTES_LIMIT = 1024 * 1024 * 1024;

export const ConfigErrorCode = {
  /** An environment variable that is malformed, out of range, or contradicts another. */
  INVALID_SETTING: 'INVALID_SETTING',
} as const;
export type ConfigErrorCode = CodeOf<typeof ConfigErrorCode>;

/** A bad environment variable; the message is one line: `NAME: what is wrong`. */
export class ConfigError extends CodedError<ConfigErrorCode> {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(ConfigErrorCode.INVALID_SETTING, `${variable}: ${problem}`, { field: variable });
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Every environment variable loadConfig reads, for checks of deployment files
 * (e2e/compose.test.ts); config/config-variables.test.ts keeps it in step.
 */
export const CONFIG_VARIABLES = Object.freeze([
  'DATABASE_URL',
  'DATA_DIR',
  'EMBEDDED_PG_PORT',
  'GATEWAY_HOST',
  'GATEWAY_PORT',
  'REST_PORT',
  'ZEEBE_ADDRESS',
  'ZEEBE_REST_ADDRESS',
  'LOG_LEVEL',
  'OPEN311_PORT',
  'API_PORT',
  'ATTACHMENT_MAX_BYTES',
  'ATTACHMENT_DIR',
  'FEEDBACK_TIMEOUT',
  'SLA_SECONDS_PER_HOUR',
  'DUPLICATE_RADIUS_METERS',
  'DUPLICATE_WINDOW_HOURS',
  'AUTH_MODE',
  'JWT_SECRET',
  'JWKS_URL',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'GATEWAY_AUTH',
  'GATEWAY_TOKEN_AUDIENCE',
  'GATEWAY_ALLOW_UNAUTHENTICATED',
  'GRAPHQL_MAX_TOKENS',
  'GRAPHQL_MAX_SELECTIONS',
  'GRAPHQL_MAX_DEPTH',
  'GRAPHQL_MAX_ALIASES',
  'GRAPHQL_MAX_DIRECTIVES',
  'GRAPHQL_MAX_FRAGMENTS',
  'GRAPHQL_MAX_COST',
  'RATE_LIMIT_API_PER_TOKEN',
  'RATE_LIMIT_API_PER_IP',
  'RATE_LIMIT_OPEN311_PER_KEY',
  'RATE_LIMIT_OPEN311_PER_IP',
  'RATE_LIMIT_AUTH_FAILURES_PER_MINUTE',
  'RATE_LIMIT_REFUSALS_PER_MINUTE',
  'HTTP_HEADERS_TIMEOUT_MS',
  'HTTP_REQUEST_TIMEOUT_MS',
  'HTTP_IDLE_TIMEOUT_MS',
  'CORS_ORIGINS',
  'ERROR_STACK_TRACES',
  'AUTO_SEED',
  'NOTIFY_RETRY_BACKOFF_MS',
] as const);

/**
 * Reads and validates the service's environment. An empty value counts as
 * unset, so `FOO=` in a compose file or .env means "use the default".
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const value = (name: string): string | undefined => {
    const raw = env[name];
    return raw === undefined || raw === '' ? undefined : raw;
  };

  const dataDir = value('DATA_DIR') ?? DEFAULTS.dataDir;
  if (dataDir.includes('\0')) throw new ConfigError('DATA_DIR', 'contains a NUL character');
  const absoluteDataDir = path.resolve(cwd, dataDir);
  const attachmentDir = value('ATTACHMENT_DIR');
  if (attachmentDir?.includes('\0')) throw new ConfigError('ATTACHMENT_DIR', 'contains a NUL character');

  const gatewayHost = parseHost('GATEWAY_HOST', value('GATEWAY_HOST') ?? DEFAULTS.gatewayHost);
  const zeebeAddress = parseAddress('ZEEBE_ADDRESS', value('ZEEBE_ADDRESS'));
  const zeebeRestAddress = value('ZEEBE_REST_ADDRESS');
  if (zeebeRestAddress !== undefined && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(zeebeRestAddress)) throw new ConfigError('ZEEBE_REST_ADDRESS', `${zeebeRestAddress} is not an http(s) URL`);
  const gatewayAuth = parseGatewayAuth(value('GATEWAY_AUTH'));
  const gatewayTokenAudience = value('GATEWAY_TOKEN_AUDIENCE') ?? DEFAULTS.gatewayTokenAudience;
  const gatewayAllowUnauthenticated = parseBoolean('GATEWAY_ALLOW_UNAUTHENTICATED', value('GATEWAY_ALLOW_UNAUTHENTICATED'), DEFAULTS.gatewayAllowUnauthenticated);
  // Without authentication, anyone who reaches the gateway beyond loopback could deploy, cancel and complete.
  if (zeebeAddress === undefined && !isLoopbackHost(gatewayHost) && gatewayAuth === 'none' && !gatewayAllowUnauthenticated) {
    throw new ConfigError(
      'GATEWAY_HOST',
      `${gatewayHost} is beyond loopback and the embedded Zeebe gateway has no authentication: set GATEWAY_AUTH=jwt, or listen on 127.0.0.1, or set GATEWAY_ALLOW_UNAUTHENTICATED=true where only trusted peers reach it`,
    );
  }
  const limit = (name: string, fallback: number, max: number): number => parseCount(name, value(name), fallback, max);
  const errorStackTraces = parseBoolean('ERROR_STACK_TRACES', value('ERROR_STACK_TRACES'), DEFAULTS.errorStackTraces);

  const auth = parseAuth(value);
  const databaseUrl = parseDatabaseUrl('DATABASE_URL', value('DATABASE_URL'));
  // An external database belongs to someone: it is seeded only when asked.
  const autoSeed = parseBoolean('AUTO_SEED', value('AUTO_SEED'), databaseUrl === undefined);
  if (errorStackTraces && auth.authMode === 'production') throw new ConfigError('ERROR_STACK_TRACES', 'is for development only; unset it with AUTH_MODE=production');
  return Object.freeze({
    databaseUrl,
    dataDir: absoluteDataDir,
    gatewayHost,
    gatewayPort: parsePort('GATEWAY_PORT', value('GATEWAY_PORT'), DEFAULTS.gatewayPort, 0),
    restPort: parsePort('REST_PORT', value('REST_PORT'), DEFAULTS.restPort, 0),
    zeebeAddress,
    zeebeRestAddress,
    logLevel: parseLogLevel('LOG_LEVEL', value('LOG_LEVEL')),
    embeddedPgPort: parsePort('EMBEDDED_PG_PORT', value('EMBEDDED_PG_PORT'), DEFAULTS.embeddedPgPort, 1),
    attachmentMaxBytes: parseByteSize('ATTACHMENT_MAX_BYTES', value('ATTACHMENT_MAX_BYTES'), DEFAULTS.attachmentMaxBytes, ATTACHMENT_MAX_BYTES_LIMIT),
    attachmentDir: attachmentDir === undefined ? path.join(absoluteDataDir, 'attachments') : path.resolve(cwd, attachmentDir),
    open311Port: parsePort('OPEN311_PORT', value('OPEN311_PORT'), DEFAULTS.open311Port, 0),
    apiPort: parsePort('API_PORT', value('API_PORT'), DEFAULTS.apiPort, 0),
    feedbackTimeout: parseDuration('FEEDBACK_TIMEOUT', value('FEEDBACK_TIMEOUT') ?? DEFAULTS.feedbackTimeout),
    slaSecondsPerHour: parsePositive('SLA_SECONDS_PER_HOUR', value('SLA_SECONDS_PER_HOUR'), DEFAULTS.slaSecondsPerHour, 86_400),
    duplicateRadiusMeters: parsePositive('DUPLICATE_RADIUS_METERS', value('DUPLICATE_RADIUS_METERS'), DEFAULTS.duplicateRadiusMeters, 10_000),
    duplicateWindowHours: parsePositive('DUPLICATE_WINDOW_HOURS', value('DUPLICATE_WINDOW_HOURS'), DEFAULTS.duplicateWindowHours, 24 * 365),
    ...auth,
    gatewayAuth,
    gatewayTokenAudience,
    gatewayAllowUnauthenticated,
    queryLimits: Object.freeze({
      // Past about 25,000 tokens a chain of fragments exhausts the stack in graphql-js's own validation (NoFragmentCyclesRule).
      maxTokens: limit('GRAPHQL_MAX_TOKENS', DEFAULTS.queryLimits.maxTokens, 10_000),
      maxSelections: limit('GRAPHQL_MAX_SELECTIONS', DEFAULTS.queryLimits.maxSelections, 1_000_000),
      maxDepth: limit('GRAPHQL_MAX_DEPTH', DEFAULTS.queryLimits.maxDepth, 100),
      maxAliases: limit('GRAPHQL_MAX_ALIASES', DEFAULTS.queryLimits.maxAliases, 100_000),
      maxDirectives: limit('GRAPHQL_MAX_DIRECTIVES', DEFAULTS.queryLimits.maxDirectives, 100_000),
      maxFragments: limit('GRAPHQL_MAX_FRAGMENTS', DEFAULTS.queryLimits.maxFragments, 10_000),
      maxCost: limit('GRAPHQL_MAX_COST', DEFAULTS.queryLimits.maxCost, 100_000_000),
    }),
    rateLimits: Object.freeze({
      apiPerToken: limit('RATE_LIMIT_API_PER_TOKEN', DEFAULTS.rateLimits.apiPerToken, 1_000_000),
      apiPerIp: limit('RATE_LIMIT_API_PER_IP', DEFAULTS.rateLimits.apiPerIp, 1_000_000),
      open311PerKey: limit('RATE_LIMIT_OPEN311_PER_KEY', DEFAULTS.rateLimits.open311PerKey, 1_000_000),
      open311PerIp: limit('RATE_LIMIT_OPEN311_PER_IP', DEFAULTS.rateLimits.open311PerIp, 1_000_000),
      authFailuresPerMinute: limit('RATE_LIMIT_AUTH_FAILURES_PER_MINUTE', DEFAULTS.rateLimits.authFailuresPerMinute, 1_000_000),
      refusalsPerMinute: limit('RATE_LIMIT_REFUSALS_PER_MINUTE', DEFAULTS.rateLimits.refusalsPerMinute, 1_000_000),
    }),
    httpTimeouts: Object.freeze({
      headersMs: limit('HTTP_HEADERS_TIMEOUT_MS', DEFAULTS.httpTimeouts.headersMs, 3_600_000),
      requestMs: limit('HTTP_REQUEST_TIMEOUT_MS', DEFAULTS.httpTimeouts.requestMs, 3_600_000),
      idleMs: limit('HTTP_IDLE_TIMEOUT_MS', DEFAULTS.httpTimeouts.idleMs, 3_600_000),
    }),
    corsOrigins: parseOrigins('CORS_ORIGINS', value('CORS_ORIGINS')),
    errorStackTraces,
    notifyRetryBackoffMs: limit('NOTIFY_RETRY_BACKOFF_MS', DEFAULTS.notifyRetryBackoffMs, 600_000),
    autoSeed,
  });
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

function parseGatewayAuth(raw: string | undefined): GatewayAuthMode {
  const mode = raw ?? DEFAULTS.gatewayAuth;
  if (!(GATEWAY_AUTH_MODES as readonly string[]).includes(mode)) {
    throw new ConfigError('GATEWAY_AUTH', `expected one of ${GATEWAY_AUTH_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  }
  return mode as GatewayAuthMode;
}

function parseBoolean(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined) return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(name, `expected true or false, got ${JSON.stringify(raw)}`);
}

/** A whole number 1..max. */
function parseCount(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const count = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(count >= 1 && count <= max)) throw new ConfigError(name, `expected an integer 1..${max}, got ${JSON.stringify(raw)}`);
  return count;
}

/** Comma-separated origins as browsers send them (`https://tasks.city.example`), no paths; `*` is refused. */
function parseOrigins(name: string, raw: string | undefined): readonly string[] {
  if (raw === undefined) return DEFAULTS.corsOrigins;
  const origins = raw.split(',').map((origin) => origin.trim()).filter((origin) => origin !== '');
  for (const origin of origins) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== origin) {
      throw new ConfigError(name, `expected origins like https://tasks.example.org separated by commas, got ${JSON.stringify(origin)}`);
    }
  }
  return Object.freeze(origins);
}

type AuthConfig = Pick<Config, 'authMode' | 'jwtSecret' | 'jwksUrl' | 'jwtIssuer' | 'jwtAudience'>;

/**
 * Production must not start in a state where anyone can mint tokens (the
 * public development secret) or where tokens cannot be checked (no JWKS), and
 * must pin issuer and audience: an identity provider signs tokens for many
 * applications with the same keys.
 */
function parseAuth(value: (name: string) => string | undefined): AuthConfig {
  const rawMode = value('AUTH_MODE') ?? DEFAULTS.authMode;
  if (!(AUTH_MODES as readonly string[]).includes(rawMode)) {
    throw new ConfigError('AUTH_MODE', `expected one of ${AUTH_MODES.join(', ')}, got ${JSON.stringify(rawMode)}`);
  }
  const authMode = rawMode as AuthMode;
  const secret = value('JWT_SECRET');
  const jwksUrl = parseJwksUrl('JWKS_URL', value('JWKS_URL'));
  const issuer = value('JWT_ISSUER');
  const audience = value('JWT_AUDIENCE');
  switch (authMode) {
    case 'development':
      if (secret !== undefined && secret.length < JWT_SECRET_MIN_LENGTH) {
        throw new ConfigError('JWT_SECRET', `expected at least ${JWT_SECRET_MIN_LENGTH} characters, got ${secret.length} (value not shown)`);
      }
      return {
        authMode,
        jwtSecret: secret ?? DEFAULTS.jwtSecret,
        jwksUrl,
        jwtIssuer: issuer ?? DEFAULTS.jwtIssuer,
        jwtAudience: audience ?? DEFAULTS.jwtAudience,
      };
    case 'production':
      if (secret === DEVELOPMENT_JWT_SECRET) throw new ConfigError('JWT_SECRET', 'the development secret must not be used with AUTH_MODE=production');
      if (secret !== undefined) throw new ConfigError('JWT_SECRET', 'is not used with AUTH_MODE=production (tokens are checked against JWKS_URL); unset it');
      if (jwksUrl === undefined) throw new ConfigError('JWKS_URL', 'is required with AUTH_MODE=production');
      if (issuer === undefined) throw new ConfigError('JWT_ISSUER', 'is required with AUTH_MODE=production');
      if (audience === undefined) throw new ConfigError('JWT_AUDIENCE', 'is required with AUTH_MODE=production');
      return { authMode, jwtSecret: undefined, jwksUrl, jwtIssuer: issuer, jwtAudience: audience };
    default:
      return authMode satisfies never;
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https, or http on this machine only: keys fetched in the clear could be swapped on the way. */
function parseJwksUrl(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `expected an https:// URL, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) return raw;
  throw new ConfigError(name, `expected an https:// URL (http:// only on localhost), got ${JSON.stringify(raw)}`);
}

function parsePort(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= min && port <= 65535)) {
    throw new ConfigError(name, `expected an integer ${min}..65535, got ${JSON.stringify(raw)}`);
  }
  return port;
}

function parseByteSize(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const bytes = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(bytes >= 1 && bytes <= max)) {
    throw new ConfigError(name, `expected a number of bytes 1..${max}, got ${JSON.stringify(raw)}`);
  }
  return bytes;
}

/** A positive decimal number up to `max`. */
function parsePositive(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const number = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (!(number > 0 && number <= max)) throw new ConfigError(name, `expected a number > 0 and <= ${max}, got ${JSON.stringify(raw)}`);
  return number;
}

/**
 * An ISO 8601 duration as Zeebe's timers read it (`P7D`, `PT90S`, `P1DT2H`):
 * the process uses it as a timer duration, so a value the engine would refuse
 * must stop the start instead of raising an incident on every closed event.
 */
function parseDuration(name: string, raw: string): string {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(raw);
  if (match === null || raw === 'P' || raw.endsWith('T') || match.slice(1).every((part) => part === undefined || Number(part) === 0)) {
    throw new ConfigError(name, `expected a positive ISO 8601 duration such as P7D or PT30S, got ${JSON.stringify(raw)}`);
  }
  return raw;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function parseHost(name: string, raw: string): string {
  if (isIP(raw) !== 0 || HOSTNAME.test(raw)) return raw;
  throw new ConfigError(name, `expected a host name or IP address, got ${JSON.stringify(raw)}`);
}

function parseAddress(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const problem = `expected host:port (e.g. "zeebe:26500" or "[::1]:26500"), got ${JSON.stringify(raw)}`;
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(raw);
  if (!match) throw new ConfigError(name, problem);
  const host = match[1] ?? match[2] ?? '';
  const port = Number(match[3]);
  const hostOk = match[1] !== undefined ? isIP(host) === 6 : isIP(host) === 4 || HOSTNAME.test(host);
  if (!hostOk || port < 1 || port > 65535) throw new ConfigError(name, problem);
  return raw;
}

function parseLogLevel(name: string, raw: string | undefined): LogLevel {
  if (raw === undefined) return DEFAULTS.logLevel;
  const level = raw.toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  throw new ConfigError(name, `expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(raw)}`);
}

/** Never echoes the value: a connection URL usually carries a password. */
function parseDatabaseUrl(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'expected a URL like postgres://user:password@host:5432/database (value not shown)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(name, `expected scheme postgres: or postgresql:, got ${JSON.stringify(url.protocol)}`);
  }
  if (url.hostname === '' && !url.searchParams.has('host')) throw new ConfigError(name, 'has no host (value not shown)');
  if (url.pathname.length <= 1) throw new ConfigError(name, 'has no database name in its path (value not shown)');
  return raw;
}
