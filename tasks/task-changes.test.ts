/**
 * The change feed on a real PostgreSQL: NOTIFY in the writer's transaction,
 * one LISTEN connection per process fanning out to filtered subscriptions.
 */
import { Pool } from 'pg';
import { createLogger } from '../config/logger';
import { createTestDatabase, type TestDatabase } from '../test-support/database';
import { changeOf, encodeChange, publishChanges, TaskChangeListener, type TaskChange } from './task-changes';
import { TASK_COLUMNS, type TaskView } from './task';
import { transaction } from '../db/transaction';

let database: TestDatabase;
let writer: Pool;
let readerA: Pool;
let readerB: Pool;
const listeners: TaskChangeListener[] = [];
const logger = createLogger('silent');

beforeAll(async () => {
  database = await createTestDatabase();
  // Three pools: the writing process and two others listening.
  [writer, readerA, readerB] = [0, 1, 2].map(() => new Pool({ connectionString: database.url, max: 3 }));
});
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((listener) => listener.stop()));
});
afterAll(async () => {
  await Promise.all([writer, readerA, readerB].map((pool) => pool.end()));
  await database.drop();
});

async function listen(pool: Pool): Promise<TaskChangeListener> {
  const listener = await TaskChangeListener.start(pool, logger);
  listeners.push(listener);
  return listener;
}

let nextJobKey = 2251799813690000;
async function insertTask(groups: string[]): Promise<TaskView> {
  const { rows } = await writer.query<TaskView>(
    `insert into public.task as t (job_key, process_instance_key, element_id, element_instance_key, name, candidate_groups, state)
     values ($1, 1, 'task', 2, 'Repair the road', $2, 'CREATED') returning ${TASK_COLUMNS}`,
    [String(nextJobKey++), groups],
  );
  return rows[0];
}

const next = async (changes: AsyncIterableIterator<TaskChange>): Promise<TaskChange> => {
  const result = await changes.next();
  if (result.done) throw new Error('the subscription ended');
  return result.value;
};

test('changes reach subscribers in every process once committed, filtered per subscription; rolled back ones never', async () => {
  const [a, b] = [await listen(readerA), await listen(readerB)];
  const roadsInA = a.subscribe((change) => change.candidateGroups.includes('roads'));
  const everythingInB = b.subscribe();
  const water = await insertTask(['water']);
  const roads = await insertTask(['roads']);

  await transaction(writer, async (client) => {
    await publishChanges(client, [changeOf('added', water)]);
    throw new Error('changed my mind');
  }).catch(() => undefined);
  await transaction(writer, (client) => publishChanges(client, [changeOf('added', water), changeOf('claimed', { ...roads, assignee: 'clerk-roads-001' })]));

  expect(await next(roadsInA)).toEqual({
    kind: 'claimed',
    taskId: roads.id,
    candidateGroups: ['roads'],
    candidateUsers: [],
    assignee: 'clerk-roads-001',
    eventId: null,
    priority: 50,
    formKey: null,
  });
  expect((await next(everythingInB)).taskId).toBe(water.id);
  expect((await next(everythingInB)).taskId).toBe(roads.id);
});

test('a change too big for NOTIFY travels as its id and is read back from the row', async () => {
  const listener = await listen(readerA);
  const changes = listener.subscribe((change) => change.candidateGroups.includes('roads'));
  const groups = ['roads', ...Array.from({ length: 1_000 }, (_, i) => `community-${i}`)];
  const task = await insertTask(groups);
  expect(encodeChange(changeOf('added', task)).length).toBeLessThan(100);

  await transaction(writer, (client) => publishChanges(client, [changeOf('added', task)]));
  const change = await next(changes);
  expect(change).toMatchObject({ kind: 'added', taskId: task.id });
  expect(change.candidateGroups).toHaveLength(1_001);
});

test('return() ends a subscription and frees it; stop() ends the ones still open', async () => {
  const listener = await listen(readerA);
  const first = listener.subscribe();
  const second = listener.subscribe();
  expect(listener.subscriberCount).toBe(2);
  const pending = first.next();
  await first.return?.();
  expect(await pending).toEqual({ value: undefined, done: true });
  expect(listener.subscriberCount).toBe(1);
  await listener.stop();
  expect(await second.next()).toEqual({ value: undefined, done: true });
  expect(listener.subscriberCount).toBe(0);
  // Its connection went back to the pool.
  expect(readerA.totalCount - readerA.idleCount).toBe(0);
});
