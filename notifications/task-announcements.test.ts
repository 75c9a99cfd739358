/**
 * A new task's announcement on a real PostgreSQL: the task's insert leaves
 * it pending, public.announce_new_tasks tells the task's holders of that
 * moment once, concurrent announcers never tell anyone twice, a task
 * finished before its announcement tells no one, and the outbox's round
 * makes the announcements a writer left behind.
 */
import pg from 'pg';
import { createLogger } from '../config/logger';
import { createTestDatabase, type TestDatabase } from '../test-support/database';
import { NotificationOutbox } from './outbox';
import { announceNewTasks } from './sql/announce-new-tasks';

let database: TestDatabase;
let pool: pg.Pool;
let managers: string[];
let tasks = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 8 });
  const { rows } = await pool.query<{ id: string }>(
    `insert into public.person (code, name, role) values ('m-1', 'Manager 1', 'manager'), ('m-2', 'Manager 2', 'manager') returning id::text`,
  );
  managers = rows.map((row) => row.id);
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

/** A task offered to the city managers, as the task list writes it. */
async function newTask(name: string): Promise<string> {
  tasks += 1;
  const { rows } = await pool.query<{ id: string }>(
    `insert into public.task (user_task_key, process_instance_key, element_id, element_instance_key, name, candidate_groups, state)
     values ($1, $1, 'Task_Arbitrate', $1, $2, '{city-managers}', 'CREATED') returning id::text`,
    [9_000 + tasks, name],
  );
  return rows[0].id;
}

/** Each manager's task-assigned notifications of the task, as [person, text]. */
async function told(taskId: string): Promise<[string, string][]> {
  const { rows } = await pool.query<{ person_id: string; text: string }>(
    `select person_id::text, text from public.notification where kind = 'task-assigned' and task_id = $1 order by person_id`,
    [taskId],
  );
  return rows.map((row) => [row.person_id, row.text]);
}

async function pending(): Promise<string[]> {
  const { rows } = await pool.query<{ task_id: string }>(`select task_id::text from public.task_announcement order by task_id`);
  return rows.map((row) => row.task_id);
}

test("a new task is announced after its insert, once, to everyone it is offered to", async () => {
  const task = await newTask('Arbitrate handler');
  expect(await told(task)).toEqual([]);
  expect(await pending()).toEqual([task]);

  expect(await announceNewTasks(pool, 10)).toBe(1);
  expect(await told(task)).toEqual(managers.map((id) => [id, 'New task "Arbitrate handler".']));
  expect(await pending()).toEqual([]);
  expect(await announceNewTasks(pool, 10)).toBe(0);
  expect(await told(task)).toHaveLength(managers.length);
});

test('announcers side by side tell each holder of each task once', async () => {
  const created: string[] = [];
  for (let i = 0; i < 30; i++) created.push(await newTask(`Task ${i}`));
  const announcer = async (): Promise<number> => {
    let taken = 0;
    for (let batch = await announceNewTasks(pool, 3); batch > 0; batch = await announceNewTasks(pool, 3)) taken += batch;
    return taken;
  };
  const taken = await Promise.all([announcer(), announcer(), announcer()]);
  expect(taken.reduce((sum, n) => sum + n, 0)).toBe(created.length);
  for (const task of created) expect((await told(task)).map(([person]) => person)).toEqual(managers);
});

test('a task finished before its announcement tells no one; one claimed meanwhile tells its assignee; the outbox makes what was left', async () => {
  const finished = await newTask('Finished at once');
  await pool.query(`update public.task set state = 'COMPLETED', completed_at = now() where id = $1`, [finished]);
  const claimed = await newTask('Claimed at once');
  await pool.query(`update public.task set assignee = 'm-2' where id = $1`, [claimed]);
  const left = await newTask('Left by a stopped writer');

  const outbox = new NotificationOutbox({ pool, channels: {}, logger: createLogger('silent'), pollMs: 20, retryBaseMs: 20, maxAttempts: 3, quietHours: undefined, timeZone: 'Asia/Shanghai' });
  await outbox.runOnce();
  expect(await pending()).toEqual([]);
  expect(await told(finished)).toEqual([]);
  expect(await told(claimed)).toEqual([[managers[1], 'New task "Claimed at once".']]);
  expect(await told(left)).toEqual(managers.map((id) => [id, 'New task "Left by a stopped writer".']));
});
