/**
 * Acknowledged means durable: the engine process is killed with SIGKILL while
 * instances stream in and workers complete jobs; after a restart every
 * instance the engine acknowledged completes, and none completes twice.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../test-support/database';
import { freePort } from '../test-support/free-port';
import { startServiceProcess, type ServiceProcess } from '../test-support/service-process';
import { connectSdk, type ZeebeClient } from './fixtures/sdk';

jest.setTimeout(120_000);

const BPMN = readFileSync(path.join(__dirname, 'fixtures', 'two-tasks.bpmn'));

function startWorkers(zeebe: ZeebeClient) {
  return ['crash-a', 'crash-b'].map((taskType) =>
    zeebe.createWorker({ taskType, taskHandler: (job) => job.complete(), maxJobsToActivate: 50, pollInterval: 50 }),
  );
}

describe('engine killed with SIGKILL', () => {
  let database: TestDatabase;
  let pool: Pool;
  let service: ServiceProcess | undefined;
  let port: number;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new Pool({ connectionString: database.url });
    port = await freePort();
  });

  afterAll(async () => {
    if (service && service.child.exitCode === null) {
      service.child.kill('SIGKILL');
      await service.exited;
    }
    await pool.end();
    await database.drop();
  });

  const start = () =>
    startServiceProcess({ DATABASE_URL: database.url, GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: String(port) });

  it('completes every acknowledged instance exactly once after a restart', async () => {
    service = await start();
    const zeebe = connectSdk(port);
    await zeebe.deployResource({ name: 'two-tasks.bpmn', process: BPMN });

    const acknowledged = new Set<string>();
    let killed = false;
    // A steady stream of creations, several in flight at a time, until the kill.
    const producers = Array.from({ length: 8 }, async () => {
      while (!killed) {
        try {
          const created = await zeebe.createProcessInstance({ bpmnProcessId: 'two-tasks', variables: { n: 1 } });
          acknowledged.add(String(created.processInstanceKey));
        } catch {
          return;
        }
      }
    });
    const workers = startWorkers(zeebe);

    while (acknowledged.size < 300) await new Promise((r) => setTimeout(r, 10));
    service.child.kill('SIGKILL');
    killed = true;
    await service.exited;
    await Promise.all(producers);
    for (const worker of workers) await worker.close();
    await zeebe.close();

    expect(acknowledged.size).toBeGreaterThanOrEqual(300);

    service = await start();
    const again = connectSdk(port);
    const restarted = startWorkers(again);
    const deadline = Date.now() + 60_000;
    let completed = await completedInstances();
    while ([...acknowledged].some((key) => !completed.has(key)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      completed = await completedInstances();
    }
    for (const worker of restarted) await worker.close();
    await again.close();

    const missing = [...acknowledged].filter((key) => !completed.has(key));
    expect(missing).toEqual([]);
    const twice = [...completed].filter(([, count]) => count > 1);
    expect(twice).toEqual([]);
  });

  /** Process instance key → how many times the process element completed. */
  async function completedInstances(): Promise<Map<string, number>> {
    const { rows } = await pool.query<{ key: string; completions: number }>(
      `select process_instance_key::text as key, count(*)::int as completions
         from engine.record
        where value_type = 'PROCESS_INSTANCE' and intent = 'ELEMENT_COMPLETED' and value->>'bpmnElementType' = 'PROCESS'
        group by process_instance_key`,
    );
    return new Map(rows.map((row) => [row.key, row.completions]));
  }
});
