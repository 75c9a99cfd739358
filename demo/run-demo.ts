/**
 * One demonstration: the departments' systems, the service (its own process)
 * with a short SLA clock and short notification back-offs, the departments'
 * endpoints pointed at those systems, and the city's people at work.
 */
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../config/config';
import { DEPARTMENTS } from '../orm/seed/catalogue';
import { Prng } from '../orm/seed/prng';
import { runningEmbeddedDatabaseUrl } from '../orm/running-database';
import { startActors, type Actors, type ActorStats } from './actors';
import { startDepartmentSystems, type DepartmentSystems } from './department-systems';
import { startLoad, type Load, type LoadStats } from './load';
import type { DemoOptions } from './options';
import { People } from './people';
import { startDemoService, type DemoService, type ServiceUrls } from './service';

/** The demonstration's own data, apart from a developer's `./.data`; ports one above the service's. */
export const DEMO_SERVICE_DEFAULTS: Readonly<Record<string, string>> = Object.freeze({
  DATA_DIR: path.join('.data', 'demo'),
  EMBEDDED_PG_PORT: '5434',
});

/** One person of each role, whose tokens the demo prints. */
export const SHOWN_PEOPLE: readonly { readonly role: string; readonly code: (firstGrid: string) => string }[] = [
  { role: 'citizen', code: () => 'citizen-000001' },
  { role: 'grid worker', code: (grid) => `gw-${grid}` },
  { role: 'clerk', code: () => 'clerk-urban_management-001' },
  { role: 'department manager', code: () => 'manager-urban_management' },
  { role: 'command-centre manager', code: () => 'manager-city-1' },
  { role: 'admin', code: () => 'admin-1' },
];

export interface DemoRun {
  readonly urls: ServiceUrls;
  readonly databaseUrl: string;
  readonly people: readonly { readonly role: string; readonly code: string; readonly token: string }[];
  readonly systems: DepartmentSystems;
  stats(): { readonly load: LoadStats; readonly actors: ActorStats };
  stop(): Promise<void>;
}

export interface RunDemoOptions extends DemoOptions {
  /** The service's environment (on top of this process's); DATABASE_URL there is seeded (the demo asks for it). */
  readonly serviceEnv: Record<string, string>;
  readonly log: (line: string) => void;
  readonly onError: (error: unknown) => void;
}

export async function runDemo(options: RunDemoOptions): Promise<DemoRun> {
  const external = (options.serviceEnv['DATABASE_URL'] ?? process.env['DATABASE_URL'] ?? '') !== '';
  const env: Record<string, string> = {
    ...(external ? { AUTO_SEED: 'true' } : defaultsNotSet(DEMO_SERVICE_DEFAULTS, { ...process.env, ...options.serviceEnv })),
    SLA_SECONDS_PER_HOUR: String(options.slaSecondsPerHour),
    NOTIFY_RETRY_BACKOFF_MS: '200',
    FEEDBACK_TIMEOUT: 'PT2M',
    ...options.serviceEnv,
  };
  // The demo learns the service's addresses from its info lines ("… listening on …").
  const level = env['LOG_LEVEL'] ?? process.env['LOG_LEVEL'] ?? '';
  if (!['debug', 'trace'].includes(level.toLowerCase())) env['LOG_LEVEL'] = 'info';
  const config = loadConfig({ ...process.env, ...env });
  if (config.authMode !== 'development') throw new Error('AUTH_MODE: the demonstration signs its people in with development tokens; unset AUTH_MODE');

  const systems = await startDepartmentSystems(
    DEPARTMENTS.filter((d) => d.hasApi).map((d) => d.code),
    options,
    options.seed,
  );
  let service: DemoService | undefined;
  let pool: pg.Pool | undefined;
  let load: Load | undefined;
  let actors: Actors | undefined;
  const stop = async (): Promise<void> => {
    load?.stop();
    await actors?.stop();
    await service?.stop();
    await pool?.end();
    await systems.close();
  };
  try {
    service = await startDemoService(env, options.log);
    const databaseUrl = config.databaseUrl ?? (await runningEmbeddedDatabaseUrl(config.dataDir));
    if (databaseUrl === undefined) throw new Error(`the service runs, but no embedded PostgreSQL was found in ${config.dataDir}`);
    pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    pool.on('error', options.onError);
    for (const system of systems.systems) {
      await pool.query('update public.department set api_endpoint = $2 where code = $1', [system.code, system.url]);
    }

    const people = new People(service.urls.api);
    const firstGrid = (await pool.query<{ code: string }>('select code from public.grid order by code limit 1')).rows[0]?.code ?? '';
    const shown = await Promise.all(
      SHOWN_PEOPLE.map(async ({ role, code }) => {
        const person = await people.as(code(firstGrid));
        return { role, code: person.code, token: person.token };
      }),
    );
    systems.startOutages();
    load = await startLoad({ db: pool, people, rng: new Prng(options.seed), reportsPerMinute: options.reportsPerMinute, onError: options.onError });
    actors = startActors({ people, rng: new Prng(options.seed + 1), pace: options.pace, reported: load.reported, onError: options.onError });
    const running = { load, actors };
    return {
      urls: service.urls,
      databaseUrl,
      people: shown,
      systems,
      stats: () => ({ load: running.load.stats, actors: running.actors.stats }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The demo's defaults for what neither this process's environment nor the caller sets. */
function defaultsNotSet(defaults: Readonly<Record<string, string>>, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(defaults).filter(([name]) => (env[name] ?? '') === ''));
}
