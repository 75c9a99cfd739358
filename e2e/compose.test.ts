/**
 * The container files, checked without Docker: docker-compose.yml's services
 * and profiles, the service's environment against what loadConfig reads, and
 * the Dockerfile's base image, user and health check.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, DEFAULTS, loadConfig } from '../config/config';

const ROOT = path.resolve(__dirname, '..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  readonly image?: string;
  readonly build?: unknown;
  readonly profiles?: readonly string[];
  readonly environment?: Readonly<Record<string, string | number | boolean | null>> | readonly string[];
  readonly depends_on?: Readonly<Record<string, { condition?: string }>> | readonly string[];
  readonly ports?: readonly string[];
  readonly volumes?: readonly string[];
  readonly healthcheck?: { readonly test?: unknown };
  readonly command?: unknown;
}

interface ComposeFile {
  readonly services: Readonly<Record<string, Service>>;
  readonly volumes?: Readonly<Record<string, unknown>>;
}

const compose = parse(read('docker-compose.yml')) as ComposeFile;
const services = compose.services;

/** Compose's substitution as `docker compose` does it with nothing set: `${X:-default}` and `${X-default}` give the default. */
function interpolate(value: string, env: Readonly<Record<string, string>> = {}): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare)!;
    const set = env[name];
    if (op === ':-') return set === undefined || set === '' ? (word ?? '') : set;
    if (op === '-') return set === undefined ? (word ?? '') : set;
    return set ?? '';
  });
}

/** Every `${…}` in the file names a default, so `docker compose up` needs no .env. */
function substitutionsWithoutDefault(text: string): string[] {
  return [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?\?[^}]*)?\}/g)].map((m) => m[1]!);
}

function environmentOf(service: Service): Record<string, string> {
  const raw = service.environment ?? {};
  const entries: Array<[string, string]> = Array.isArray(raw)
    ? (raw as readonly string[]).map((line) => {
        const at = line.indexOf('=');
        return at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 1)];
      })
    : Object.entries(raw as Record<string, unknown>).map(([key, value]) => [key, value === null ? '' : String(value)]);
  return Object.fromEntries(entries.map(([key, value]) => [key, interpolate(value)]));
}

function dependenciesOf(service: Service): Record<string, string | undefined> {
  const raw = service.depends_on ?? {};
  if (Array.isArray(raw)) return Object.fromEntries((raw as readonly string[]).map((name) => [name, undefined]));
  return Object.fromEntries(Object.entries(raw as Record<string, { condition?: string }>).map(([name, spec]) => [name, spec.condition]));
}

/** The container port of each `host:port:container` / `port:container` entry. */
function containerPorts(service: Service): number[] {
  return (service.ports ?? []).map((entry) => Number(interpolate(entry).split(':').pop()!.split('/')[0]));
}

const isGridDispatch = (service: Service): boolean => service.build !== undefined;
const gridDispatchServices = Object.entries(services).filter(([, service]) => isGridDispatch(service));
const inProfile = (service: Service, profile: string): boolean => (service.profiles ?? []).includes(profile);

describe('docker-compose.yml', () => {
  it('runs postgres and grid-dispatch by default, and Zeebe, Operate, Elasticsearch and the Camunda variant in profile camunda', () => {
    const byDefault = Object.keys(services).filter((name) => services[name]!.profiles === undefined);
    expect(byDefault.sort()).toEqual(['grid-dispatch', 'postgres']);
    for (const name of ['elasticsearch', 'zeebe', 'operate', 'grid-dispatch-camunda']) {
      expect(services[name]).toBeDefined();
      expect(inProfile(services[name]!, 'camunda')).toBe(true);
    }
    expect(gridDispatchServices.map(([name]) => name).sort()).toEqual(['grid-dispatch', 'grid-dispatch-camunda']);
  });

  it('uses the agreed images', () => {
    const image = (name: string): string => interpolate(services[name]!.image ?? '');
    expect(image('postgres')).toBe('postgres:18');
    expect(image('zeebe')).toMatch(/^camunda\/zeebe:8\.6\.\d+$/);
    expect(image('operate')).toMatch(/^camunda\/operate:8\.6\.\d+$/);
    expect(image('operate').split(':')[1]).toBe(image('zeebe').split(':')[1]);
    expect(image('elasticsearch')).toMatch(/^docker\.elastic\.co\/elasticsearch\/elasticsearch:8\.\d+\.\d+$/);
    for (const [, service] of gridDispatchServices) expect(service.build).toBe('.');
  });

  it('needs no .env: every substitution has a default', () => {
    expect(substitutionsWithoutDefault(read('docker-compose.yml'))).toEqual([]);
  });

  it('gives postgres a health check and a volume, and starts the service only once it is healthy', () => {
    expect(services.postgres!.healthcheck?.test).toBeDefined();
    expect(services.postgres!.volumes?.some((volume) => volume.endsWith(':/var/lib/postgresql'))).toBe(true);
    expect(dependenciesOf(services['grid-dispatch']!)).toEqual({ postgres: 'service_healthy' });
  });

  it('has every dependency and named volume defined, and nothing by default depends on a profile', () => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const [name, service] of Object.entries(services)) {
      for (const dependency of Object.keys(dependenciesOf(service))) {
        expect({ service: name, dependency, defined: services[dependency] !== undefined }).toEqual({ service: name, dependency, defined: true });
        if (service.profiles === undefined) expect({ service: name, dependency, profiles: services[dependency]!.profiles }).toEqual({ service: name, dependency, profiles: undefined });
      }
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (!source.startsWith('.') && !source.startsWith('/')) expect(declared).toContain(source);
      }
    }
  });

  describe.each(gridDispatchServices)('%s', (name, service) => {
    const env = environmentOf(service);

    it('sets only variables the configuration reads', () => {
      const unknown = Object.keys(env).filter((key) => !(CONFIG_VARIABLES as readonly string[]).includes(key));
      expect(unknown).toEqual([]);
    });

    it('passes loadConfig with its defaults', () => {
      const config = loadConfig(env, '/app');
      expect(config.databaseUrl).toBeDefined();
      expect(new URL(config.databaseUrl!).hostname).toBe('postgres');
      // listens beyond the container's loopback
      expect(config.gatewayHost).toBe('0.0.0.0');
      expect(config.dataDir).toBe('/data');
      expect(service.volumes?.some((volume) => volume.endsWith(':/data'))).toBe(true);
    });

    it('publishes the ports the service listens on', () => {
      const config = loadConfig(env, '/app');
      const ports = containerPorts(service);
      expect(ports).toContain(config.open311Port);
      expect(ports).toContain(config.apiPort);
      if (config.zeebeAddress === undefined) expect(ports).toContain(config.gatewayPort);
      if (config.zeebeAddress === undefined) expect(ports).toContain(config.restPort);
      for (const entry of service.ports ?? []) expect(interpolate(entry)).toMatch(/^127\.0\.0\.1:/);
    });

    if (name === 'grid-dispatch') {
      it('runs the embedded engine', () => {
        expect(loadConfig(env, '/app').zeebeAddress).toBeUndefined();
      });
    } else {
      it('points at the Zeebe service, with a database of its own', () => {
        const config = loadConfig(env, '/app');
        expect(config.zeebeAddress).toBe('zeebe:26500');
        const other = loadConfig(environmentOf(services['grid-dispatch']!), '/app');
        expect(new URL(config.databaseUrl!).pathname).not.toBe(new URL(other.databaseUrl!).pathname);
        expect(dependenciesOf(service)).toMatchObject({ zeebe: 'service_healthy', 'camunda-database': 'service_completed_successfully' });
        expect(String(services['camunda-database']!.command)).toContain(new URL(config.databaseUrl!).pathname.slice(1));
      });
    }
  });

  it('has Zeebe export to the Elasticsearch that Operate reads', () => {
    const zeebe = environmentOf(services.zeebe!);
    const operate = environmentOf(services.operate!);
    expect(zeebe.ZEEBE_BROKER_EXPORTERS_ELASTICSEARCH_CLASSNAME).toBe('io.camunda.zeebe.exporter.ElasticsearchExporter');
    const exportedTo = zeebe.ZEEBE_BROKER_EXPORTERS_ELASTICSEARCH_ARGS_URL!;
    expect(new URL(exportedTo).hostname).toBe('elasticsearch');
    expect(operate.CAMUNDA_OPERATE_ZEEBEELASTICSEARCH_URL).toBe(exportedTo);
    expect(operate.CAMUNDA_OPERATE_ELASTICSEARCH_URL).toBe(exportedTo);
    expect(operate.CAMUNDA_OPERATE_ZEEBE_GATEWAYADDRESS).toBe('zeebe:26500');
  });

  it('says whose licence the vendor images come under', () => {
    expect(read('docker-compose.yml')).toMatch(/licen[cs]e/i);
  });
});

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  // Continuation lines joined, comments dropped: one instruction per line.
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const args = Object.fromEntries(
    instructions.filter((line) => /^ARG\s/i.test(line)).map((line) => line.replace(/^ARG\s+/i, '').split('=') as [string, string]),
  );
  const resolve = (value: string): string => value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => args[(a ?? b)!] ?? '');
  const from = instructions.filter((line) => /^FROM\s/i.test(line)).map((line) => resolve(line.split(/\s+/)[1]!));
  const last = (keyword: string): string | undefined => instructions.filter((line) => new RegExp(`^${keyword}\\s`, 'i').test(line)).pop();

  it('builds in stages on Node.js 24', () => {
    expect(from.length).toBeGreaterThanOrEqual(2);
    for (const image of from) expect(image).toBe('node:24-bookworm-slim');
    expect(text).toMatch(/npm ci\b/);
    expect(text).toMatch(/npm run build/);
    expect(text).toMatch(/npm ci --omit=dev/);
  });

  it('runs as a user other than root', () => {
    const user = last('USER')?.split(/\s+/)[1];
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
  });

  it('checks its health on /healthz', () => {
    expect(last('HEALTHCHECK')).toMatch(/\/healthz/);
  });

  it('exposes the gateway, the REST API, Open311 and the HTTP API', () => {
    const exposed = instructions.filter((line) => /^EXPOSE\s/i.test(line)).flatMap((line) => line.split(/\s+/).slice(1).map(Number));
    expect(exposed.sort()).toEqual([DEFAULTS.apiPort, DEFAULTS.gatewayPort, DEFAULTS.restPort, DEFAULTS.open311Port].sort());
  });

  it('sets only variables the configuration reads (and NODE_ENV), listening on every interface', () => {
    const env: Record<string, string> = {};
    for (const line of instructions.filter((l) => /^ENV\s/i.test(l))) {
      for (const [, key, value] of line.replace(/^ENV\s+/i, '').matchAll(/(\w+)=(\S+)/g)) env[key!] = value!;
    }
    const unknown = Object.keys(env).filter((key) => key !== 'NODE_ENV' && !(CONFIG_VARIABLES as readonly string[]).includes(key));
    expect(unknown).toEqual([]);
    expect(env.GATEWAY_HOST).toBe('0.0.0.0');
    expect(() => loadConfig(env, '/app')).not.toThrow();
  });

  it('starts the compiled service directly, and copies what exists', () => {
    expect(last('CMD')).toMatch(/dist\/main\.js/);
    expect(existsSync(path.join(ROOT, 'processes'))).toBe(true);
    expect(existsSync(path.join(ROOT, 'package-lock.json'))).toBe(true);
  });

  it('keeps local state and build output out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((line) => line.trim());
    for (const entry of ['node_modules', 'dist', '.data', '.git']) expect(ignored).toContain(entry);
  });
});
