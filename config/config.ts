import { isIP } from 'node:net';
import path from 'node:path';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  /** External PostgreSQL; undefined = start the embedded one. */
  readonly databaseUrl: string | undefined;
  /** Absolute; the embedded PostgreSQL keeps its cluster in `<dataDir>/postgres`. */
  readonly dataDir: string;
  readonly gatewayHost: string;
  /** 0 = any free port. */
  readonly gatewayPort: number;
  /** `host:port` of an external Zeebe gateway; when set the embedded engine is not started. */
  readonly zeebeAddress: string | undefined;
  readonly logLevel: LogLevel;
  readonly embeddedPgPort: number;
}

export const DEFAULTS = Object.freeze({
  dataDir: './.data',
  gatewayHost: '127.0.0.1',
  gatewayPort: 26500,
  logLevel: 'info' as LogLevel,
  embeddedPgPort: 5433,
});

/** A bad environment variable; the message is one line: `NAME: what is wrong`. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

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

  return Object.freeze({
    databaseUrl: parseDatabaseUrl('DATABASE_URL', value('DATABASE_URL')),
    dataDir: path.resolve(cwd, dataDir),
    gatewayHost: parseHost('GATEWAY_HOST', value('GATEWAY_HOST') ?? DEFAULTS.gatewayHost),
    gatewayPort: parsePort('GATEWAY_PORT', value('GATEWAY_PORT'), DEFAULTS.gatewayPort, 0),
    zeebeAddress: parseAddress('ZEEBE_ADDRESS', value('ZEEBE_ADDRESS')),
    logLevel: parseLogLevel('LOG_LEVEL', value('LOG_LEVEL')),
    embeddedPgPort: parsePort('EMBEDDED_PG_PORT', value('EMBEDDED_PG_PORT'), DEFAULTS.embeddedPgPort, 1),
  });
}

function parsePort(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= min && port <= 65535)) {
    throw new ConfigError(name, `expected an integer ${min}..65535, got ${JSON.stringify(raw)}`);
  }
  return port;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function parseHost(name: string, raw: string): string {
  if (isIP(raw) !== 0 || HOSTNAME.test(raw)) return raw;
  throw new ConfigError(name, `expected a host name or IP address, got ${JSON.stringify(raw)}`);
}

function parseAddress(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const problem = `expected host:port (e.g. "zeebe:26500" or "[::1]:26500"), got ${JSON.stringify(raw)}`;
  const match = /^(?:\[([^\]]+)\]|([^:\[\]]+)):(\d{1,5})$/.exec(raw);
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
