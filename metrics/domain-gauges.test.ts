import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../test-support/database';
import { freePort } from '../test-support/free-port';
import { registerDomainGauges } from './domain-gauges';
import { sampleValue } from './exposition';
import { createMetrics } from './registry';

describe('domain gauges', () => {
  let database: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new Pool({ connectionString: database.url });
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  const event = async (status: string, escalated = false): Promise<number> => {
    // escalate-event sets the flag and the breach time together.
    const { rows } = await pool.query<{ id: number }>(
      `insert into public.grid_event (source, category, description, severity, lon, lat, status, escalated, breached_at)
       values ('citizen_app', 'road_damage', 'pothole', 'low', 115.8814, 28.6819, $1, $2, case when $2 then now() end) returning id`,
      [status, escalated],
    );
    return rows[0].id;
  };
  let nextJobKey = 1;
  const task = (state: string): Promise<unknown> =>
    pool.query(
      `insert into public.task (job_key, process_instance_key, element_id, element_instance_key, name, state)
       values ($1, 1, 'handle', $1, 'Handle', $2)`,
      [nextJobKey++, state],
    );

  it('reads events by status, open escalated events, breaches and open tasks on every scrape', async () => {
    const metrics = createMetrics({ processMetrics: false });
    registerDomainGauges(metrics.registry, pool, { minIntervalMs: 0 });

    let text = await metrics.registry.metrics();
    expect(sampleValue(text, 'grid_dispatch_grid_events', { status: 'REPORTED' })).toBe(0);
    expect(sampleValue(text, 'grid_dispatch_open_tasks')).toBe(0);

    await event('REPORTED');
    await event('REPORTED');
    await event('IN_PROGRESS', true);
    await event('CLOSED', true);
    await task('CREATED');
    await task('CREATED');
    await task('COMPLETED');

    text = await metrics.registry.metrics();
    expect(sampleValue(text, 'grid_dispatch_grid_events', { status: 'REPORTED' })).toBe(2);
    expect(sampleValue(text, 'grid_dispatch_grid_events', { status: 'IN_PROGRESS' })).toBe(1);
    expect(sampleValue(text, 'grid_dispatch_grid_events', { status: 'CLOSED' })).toBe(1);
    expect(sampleValue(text, 'grid_dispatch_grid_events', { status: 'MERGED' })).toBe(0);
    expect(sampleValue(text, 'grid_dispatch_grid_events')).toBe(4);
    expect(sampleValue(text, 'grid_dispatch_grid_events_escalated')).toBe(1);
    expect(sampleValue(text, 'grid_dispatch_sla_breaches')).toBe(2);
    expect(sampleValue(text, 'grid_dispatch_open_tasks')).toBe(2);
  });

  it('reuses a snapshot within minIntervalMs', async () => {
    const metrics = createMetrics({ processMetrics: false });
    registerDomainGauges(metrics.registry, pool, { minIntervalMs: 60_000 });
    const before = sampleValue(await metrics.registry.metrics(), 'grid_dispatch_open_tasks');
    await task('CREATED');
    expect(sampleValue(await metrics.registry.metrics(), 'grid_dispatch_open_tasks')).toBe(before);
  });

  it('keeps the scrape working when the database is away, and counts the failure', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const away = new Pool({ host: '127.0.0.1', port: await freePort(), user: 'nobody', database: 'none', connectionTimeoutMillis: 1_000 });
    const errors: unknown[] = [];
    registerDomainGauges(metrics.registry, away, { minIntervalMs: 0, onError: (error) => errors.push(error) });
    try {
      const text = await metrics.registry.metrics();
      expect(sampleValue(text, 'grid_dispatch_domain_metrics_errors_total')).toBe(1);
      expect(errors).toHaveLength(1);
    } finally {
      await away.end();
    }
  });
});
