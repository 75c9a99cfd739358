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
  readonly deploy?: { readonly replicas?: number };
}

interface ComposeFile {
  readonly services: Readonly<Record<string, Service>>;
  readonly volumes?: Readonly<Record<string, unknown>>;
}

// Compose merges `<<:` keys (YAML 1.1 merge keys) as the extension fields here use them.
const compose = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;
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
  return [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?\?[^}]*)?\}/g)].map((m) => m[1]);
}

function environmentOf(service: Service): Record<string, string> {
  const raw = service.environment ?? {};
  const entries: Array<[string, string]> = Array.isArray(raw)
    ? (raw as readonly string[]).map((line) => {
        const at = line.indexOf('=');
        return at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 1)];
      })
    : Object.entries(raw as Record<string, unknown>).map(([key, value]) => [key, value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value)]);
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

const replicasOf = (service: Service): number => service.deploy?.replicas ?? 1;
const rolesOf = (service: Service): readonly string[] => loadConfig(environmentOf(service), '/app').roles;

describe('docker-compose.yml', () => {
  it('runs the split shape by default, and Camunda 8.8 on Elasticsearch with the same shape in profile camunda', () => {
    const byDefault = Object.keys(services).filter((name) => services[name].profiles === undefined);
    expect(byDefault.sort()).toEqual(['api', 'engine', 'postgres', 'tasklist', 'workers']);
    for (const name of ['elasticsearch', 'zeebe', 'camunda-database', 'api-camunda', 'workers-camunda', 'tasklist-camunda']) {
      expect(services[name]).toBeDefined();
      expect(inProfile(services[name], 'camunda')).toBe(true);
    }
    expect(gridDispatchServices.map(([name]) => name).sort()).toEqual(['api', 'api-camunda', 'engine', 'tasklist', 'tasklist-camunda', 'workers', 'workers-camunda']);
  });

  it.each([
    ['engine', ['engine'], 1],
    ['api', ['api', 'intake'], 2],
    ['workers', ['workers'], 2],
    ['tasklist', ['tasklist'], 1],
    ['api-camunda', ['api', 'intake'], 2],
    ['workers-camunda', ['workers'], 2],
    ['tasklist-camunda', ['tasklist'], 1],
  ])('%s runs roles %j in %i replica(s)', (name, roles, replicas) => {
    expect(rolesOf(services[name])).toEqual(roles);
    expect(replicasOf(services[name])).toBe(replicas);
  });

  it('uses the agreed images', () => {
    const image = (name: string): string => interpolate(services[name].image ?? '');
    expect(image('postgres')).toBe('postgres:18');
    expect(image('zeebe')).toMatch(/^camunda\/camunda:8\.8\.\d+$/);
    expect(image('elasticsearch')).toMatch(/^docker\.elastic\.co\/elasticsearch\/elasticsearch:8\.\d+\.\d+$/);
    for (const [, service] of gridDispatchServices) expect(service.build).toBe('.');
  });

  it('needs no .env: every substitution has a default', () => {
    expect(substitutionsWithoutDefault(read('docker-compose.yml'))).toEqual([]);
  });

  it('gives postgres a health check and a volume; the engine starts once it is healthy, the other roles once the engine is', () => {
    expect(services.postgres.healthcheck?.test).toBeDefined();
    expect(services.postgres.volumes?.some((volume) => volume.endsWith(':/var/lib/postgresql'))).toBe(true);
    expect(dependenciesOf(services.engine)).toEqual({ postgres: 'service_healthy' });
    for (const name of ['api', 'workers', 'tasklist']) expect(dependenciesOf(services[name])).toEqual({ engine: 'service_healthy' });
  });

  it('has every dependency and named volume defined, and nothing by default depends on a profile', () => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const [name, service] of Object.entries(services)) {
      for (const dependency of Object.keys(dependenciesOf(service))) {
        expect({ service: name, dependency, defined: services[dependency] !== undefined }).toEqual({ service: name, dependency, defined: true });
        if (service.profiles === undefined) expect({ service: name, dependency, profiles: services[dependency].profiles }).toEqual({ service: name, dependency, profiles: undefined });
      }
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0];
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
      // Attachments are written by one API replica and read by the other: one volume for all.
      expect(service.volumes?.some((volume) => volume.endsWith(':/data'))).toBe(true);
    });

    it('publishes the ports of its roles, on 127.0.0.1, a port per replica', () => {
      const config = loadConfig(env, '/app');
      const ports = containerPorts(service);
      const expected = [
        ...(config.roles.includes('engine') ? [config.gatewayPort, config.restPort] : []),
        ...(config.roles.includes('api') ? [config.apiPort] : []),
        ...(config.roles.includes('intake') ? [config.open311Port] : []),
      ];
      expect(ports.sort()).toEqual(expected.sort());
      for (const entry of service.ports ?? []) {
        expect(interpolate(entry)).toMatch(/^127\.0\.0\.1:/);
        const [from, to = from] = interpolate(entry).split(':')[1].split('-').map(Number);
        expect(to - from + 1).toBe(replicasOf(service));
      }
    });

    if (name === 'engine') {
      it('runs the engine on the database the others use', () => {
        const config = loadConfig(env, '/app');
        expect(config.zeebeAddress).toBeUndefined();
        expect(config.databaseUrl).toBe(loadConfig(environmentOf(services.api), '/app').databaseUrl);
      });
    } else if (!inProfile(service, 'camunda')) {
      it("finds the engine service's gRPC and REST addresses, and reads its tables", () => {
        expect(loadConfig(env, '/app')).toMatchObject({ zeebeAddress: 'engine:26500', zeebeRestAddress: 'http://engine:8080', engineTables: true });
        expect(containerPorts(services.engine)).toEqual(expect.arrayContaining([26500, 8080]));
      });
    } else {
      it('points at Camunda 8.8 (gRPC and REST), with a database of its own', () => {
        const config = loadConfig(env, '/app');
        expect(config).toMatchObject({ zeebeAddress: 'zeebe:26500', zeebeRestAddress: 'http://zeebe:8080', engineTables: false });
        expect(containerPorts(services.zeebe)).toEqual(expect.arrayContaining([26500, 8080]));
        const other = loadConfig(environmentOf(services.api), '/app');
        expect(new URL(config.databaseUrl!).pathname).not.toBe(new URL(other.databaseUrl!).pathname);
        expect(dependenciesOf(service)).toMatchObject({ zeebe: 'service_healthy', 'camunda-database': 'service_completed_successfully' });
        expect(String(services['camunda-database'].command)).toContain(new URL(config.databaseUrl!).pathname.slice(1));
      });
    }
  });

  it('has Camunda export to the Elasticsearch that its Operate and Tasklist read, and the service clients need no credentials', () => {
    const zeebe = environmentOf(services.zeebe);
    expect(zeebe.SPRING_PROFILES_ACTIVE.split(',')).toEqual(expect.arrayContaining(['broker', 'operate', 'tasklist']));
    expect(new URL(zeebe.CAMUNDA_DATA_SECONDARYSTORAGE_ELASTICSEARCH_URL).hostname).toBe('elasticsearch');
    expect(zeebe.ZEEBE_BROKER_EXPORTERS_CAMUNDAEXPORTER_ARGS_CONNECT_URL).toBe(zeebe.CAMUNDA_DATA_SECONDARYSTORAGE_ELASTICSEARCH_URL);
    expect(zeebe.CAMUNDA_SECURITY_AUTHENTICATION_UNPROTECTEDAPI).toBe('true');
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
  const from = instructions.filter((line) => /^FROM\s/i.test(line)).map((line) => resolve(line.split(/\s+/)[1]));
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
      for (const [, key, value] of line.replace(/^ENV\s+/i, '').matchAll(/(\w+)=(\S+)/g)) env[key] = value!;
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
