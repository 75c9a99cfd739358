/**
 * The outbox against a real PostgreSQL: rows written by public.notify_person
 * per the person's channels, sent once each by two senders side by side,
 * retried with back-off, FAILED after the last attempt or a refusal,
 * SKIPPED without a channel, held back by quiet hours unless urgent.
 */
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { createLogger } from '../config/logger';
import { createTestDatabase, type TestDatabase } from '../test-support/database';
import { eventually } from '../test-support/engine';
import { DeliveryError, DeliveryErrorCode, type DeliveryChannel, type OutgoingMessage } from './channels/channel';
import { NotificationListener } from './notification-listener';
import { NotificationOutbox, type OutboxOptions } from './outbox';
import { quietUntil, retryDelayMs } from './schedule';

let database: TestDatabase;
let pool: pg.Pool;
const logger = createLogger('silent');

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 8 });
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

/** A channel that records what it took; `behaviour` may throw to fail an attempt. */
class RecordingChannel implements DeliveryChannel {
  readonly taken: OutgoingMessage[] = [];
  attempts = 0;
  constructor(private readonly behaviour: (attempt: number, message: OutgoingMessage) => Promise<void> | void = () => undefined) {}

  async send(message: OutgoingMessage): Promise<void> {
    this.attempts += 1;
    await this.behaviour(this.attempts, message);
    this.taken.push(message);
  }
}

let people = 0;
async function person(role: string, phone: string | null, channels?: string[], email?: string): Promise<string> {
  people += 1;
  const { rows } = await pool.query<{ id: string }>(`insert into public.person (code, name, role, phone) values ($1, $2, $3, $4) returning id::text`, [`p-${people}`, `Person ${people}`, role, phone]);
  const id = rows[0]?.id ?? '';
  if (channels) await pool.query(`insert into public.notification_preference (person_id, channels, email) values ($1, $2, $3)`, [id, channels, email ?? null]);
  return id;
}

async function notify(personId: string, kind: string, urgent = false): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(`select public.notify_person($1, $2, null, null, $3, 'text', '{}')::text as id`, [personId, kind, urgent]);
  return rows[0]?.id ?? '';
}

async function deliveries(notificationId: string): Promise<{ channel: string; state: string; attempts: number; idempotency_key: string }[]> {
  const { rows } = await pool.query(`select channel, state, attempts, idempotency_key from public.notification_delivery where notification_id = $1 order by channel`, [notificationId]);
  return rows as never;
}

function outbox(channels: OutboxOptions['channels'], options: Partial<OutboxOptions> = {}): NotificationOutbox {
  return new NotificationOutbox({ pool, channels, logger, pollMs: 20, retryBaseMs: 20, maxAttempts: 3, quietHours: undefined, timeZone: 'Asia/Shanghai', ...options });
}

test('a delivery per chosen channel with an address: citizens SMS by default, staff e-mail once they gave an address', async () => {
  const sms = await notify(await person('citizen', '13800000000'), 'event-accepted');
  expect(await deliveries(sms)).toEqual([{ channel: 'SMS', state: 'PENDING', attempts: 0, idempotency_key: `notification-${sms}-sms` }]);
  expect(await deliveries(await notify(await person('citizen', null), 'event-accepted'))).toEqual([]);
  expect(await deliveries(await notify(await person('manager', '13800000001'), 'task-assigned'))).toEqual([]);
  const both = await notify(await person('manager', '13800000002', ['EMAIL', 'PUSH'], 'c@example.org'), 'task-assigned');
  expect((await deliveries(both)).map((d) => d.channel)).toEqual(['EMAIL', 'PUSH']);
  await pool.query(`delete from public.notification_delivery`);
});

test('two senders side by side send each delivery once (FOR UPDATE SKIP LOCKED)', async () => {
  const citizen = await person('citizen', '13900000000', ['SMS', 'PUSH']);
  const ids: string[] = [];
  for (let i = 0; i < 60; i++) ids.push(await notify(citizen, 'event-routed'));
  const channel = new RecordingChannel(() => delay(2));
  const senders = [outbox({ SMS: channel, PUSH: channel }, { batchSize: 5 }), outbox({ SMS: channel, PUSH: channel }, { batchSize: 5 })];
  for (const sender of senders) sender.start();
  await eventually(() => (channel.taken.filter((m) => ids.includes(m.notificationId)).length >= 120 ? true : undefined), { what: '120 deliveries', timeoutMs: 30_000 });
  await Promise.all(senders.map((sender) => sender.stop()));
  const keys = channel.taken.filter((m) => ids.includes(m.notificationId)).map((m) => m.idempotencyKey);
  expect(new Set(keys).size).toBe(keys.length);
  expect(keys.length).toBe(120);
  const { rows } = await pool.query(`select state, count(*)::int as n from public.notification_delivery where notification_id = any($1::bigint[]) group by state`, [ids]);
  expect(rows).toEqual([{ state: 'SENT', n: 120 }]);
});

test('a failing receiver is retried with back-off until it recovers; a refusal or the last attempt is FAILED; a missing channel SKIPPED', async () => {
  const recovering = await notify(await person('citizen', '13700000000'), 'event-closed');
  const refused = await notify(await person('citizen', '13700000001', ['PUSH']), 'event-closed');
  const sms = new RecordingChannel((attempt) => {
    if (attempt <= 2) throw new DeliveryError(DeliveryErrorCode.TEMPORARY, `down (${attempt})`);
  });
  const push = new RecordingChannel(() => {
    throw new DeliveryError(DeliveryErrorCode.REFUSED, 'unknown device');
  });
  const seen: string[] = [];
  const sender = outbox({ SMS: sms, PUSH: push }, { observer: { delivered: (channel, outcome) => seen.push(`${channel}:${outcome}`) } });
  const email = new RecordingChannel(() => {
    throw new DeliveryError(DeliveryErrorCode.TEMPORARY, 'relay down');
  });
  const mailer = outbox({ EMAIL: email });
  sender.start();
  await eventually(async () => ((await deliveries(recovering))[0]?.state === 'SENT' ? true : undefined), { what: 'the SMS to be sent' });
  await eventually(async () => ((await deliveries(refused))[0]?.state === 'FAILED' ? true : undefined), { what: 'the push to fail' });
  await sender.stop();
  const hopeless = await notify(await person('manager', null, ['EMAIL'], 'x@example.org'), 'task-assigned');
  // The mailer has no channel for push.
  const unconfigured = await notify(await person('citizen', null, ['PUSH']), 'event-routed');
  mailer.start();
  await eventually(async () => ((await deliveries(hopeless))[0]?.state === 'FAILED' ? true : undefined), { what: 'the e-mail to fail for good' });
  await mailer.stop();

  expect(await deliveries(recovering)).toEqual([expect.objectContaining({ state: 'SENT', attempts: 3 })]);
  expect(sms.taken.filter((m) => m.notificationId === recovering)).toHaveLength(1);
  expect(await deliveries(refused)).toEqual([expect.objectContaining({ state: 'FAILED', attempts: 1 })]);
  expect({ deliveries: await deliveries(hopeless), attempts: email.attempts }).toEqual({ deliveries: [expect.objectContaining({ state: 'FAILED', attempts: 3 })], attempts: 3 });
  expect(await deliveries(unconfigured)).toEqual([expect.objectContaining({ state: 'SKIPPED', attempts: 0 })]);
  expect(seen).toEqual(expect.arrayContaining(['SMS:retry', 'SMS:sent', 'PUSH:failed']));
  const { rows } = await pool.query(`select last_error from public.notification_delivery where notification_id = $1`, [refused]);
  expect(rows).toEqual([{ last_error: 'unknown device' }]);
});

test('quiet hours hold back the non-urgent until they end; urgent ones go at once', async () => {
  const citizen = await person('citizen', '13600000000');
  const quiet = await notify(citizen, 'event-resolved');
  const urgent = await notify(await person('manager', null, ['EMAIL'], 'q@example.org'), 'sla-warning', true);
  // 23:30 in Shanghai (UTC+8).
  const now = new Date('2026-10-08T15:30:00Z');
  const sms = new RecordingChannel();
  const mail = new RecordingChannel();
  const sender = outbox({ SMS: sms, EMAIL: mail }, { quietHours: { startMinute: 22 * 60, endMinute: 7 * 60 }, now: () => now });
  await sender.runOnce();
  expect(mail.taken.map((m) => m.notificationId)).toEqual([urgent]);
  expect(sms.taken).toEqual([]);
  const { rows } = await pool.query<{ next_attempt_at: Date; attempts: number }>(`select next_attempt_at, attempts from public.notification_delivery where notification_id = $1`, [quiet]);
  expect(rows).toEqual([{ next_attempt_at: new Date('2026-10-08T23:00:00Z'), attempts: 0 }]);
});

test('back-off doubles to an hour; quiet hours end at their end, across midnight or not', () => {
  expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 5_000))).toEqual([5_000, 10_000, 20_000, 40_000]);
  expect(retryDelayMs(30, 5_000)).toBe(3_600_000);
  const night = { startMinute: 22 * 60, endMinute: 7 * 60 };
  expect(quietUntil(new Date('2026-10-08T14:00:00Z'), night, 'Asia/Shanghai')).toEqual(new Date('2026-10-08T23:00:00Z'));
  expect(quietUntil(new Date('2026-10-08T20:15:00Z'), night, 'Asia/Shanghai')).toEqual(new Date('2026-10-08T23:00:00Z'));
  expect(quietUntil(new Date('2026-10-08T23:00:00Z'), night, 'Asia/Shanghai')).toBeUndefined();
  expect(quietUntil(new Date('2026-10-08T04:00:00Z'), { startMinute: 12 * 60, endMinute: 13 * 60 }, 'Asia/Shanghai')).toEqual(new Date('2026-10-08T05:00:00Z'));
  expect(quietUntil(new Date('2026-10-08T04:00:00Z'), undefined, 'Asia/Shanghai')).toBeUndefined();
});

test('an incident tells the city managers, urgently, naming the event of its instance', async () => {
  const manager = await person('manager', null);
  const { rows: [event] } = await pool.query<{ id: string }>(
    `insert into public.grid_event (source, category, description, severity, lon, lat, status, process_instance_key)
     values ('hotline_12345', 'garbage', 'test', 'low', 116.4, 39.9, 'ROUTED', 77001) returning id::text`,
  );
  await pool.query(
    `insert into engine.incident (key, process_instance_key, element_instance_key, job_key, error_type, error_message, created_at, data)
     values (88001, 77001, 77002, null, 'JOB_NO_RETRIES', 'department unavailable', now(), '{}')`,
  );
  const { rows } = await pool.query<{ person_id: string; kind: string; urgent: boolean; event_id: string; text: string }>(
    `select person_id::text, kind, urgent, event_id::text, text from public.notification where kind = 'incident'`,
  );
  expect(rows).toContainEqual({ person_id: manager, kind: 'incident', urgent: true, event_id: event?.id, text: `Incident (JOB_NO_RETRIES) on event ${event?.id}: department unavailable` });
});

test('notify_people writes for a set of people what notify_person writes for each, and announces them on commit in one signal', async () => {
  const everyKind = async (): Promise<string[]> => [
    await person('citizen', '13800000010'),
    await person('citizen', null),
    await person('manager', '13800000011'),
    await person('manager', '13800000012', ['EMAIL', 'PUSH'], 'm@example.org'),
    await person('manager', null, ['SMS', 'EMAIL']),
  ];
  const one = await everyKind();
  const many = await everyKind();
  const listener = new pg.Client({ connectionString: database.url });
  await listener.connect();
  const announced: { id: string; person: string }[] = [];
  const signals: unknown[] = [];
  listener.on('notification', (message) => {
    const signal = JSON.parse(message.payload ?? '{}') as { id: string; person: string } | { id: string; person: string }[];
    signals.push(signal);
    announced.push(...(Array.isArray(signal) ? signal : [signal]));
  });
  await listener.query('listen grid_dispatch_notifications');
  try {
    for (const id of one) await pool.query(`select public.notify_person($1, 'task-assigned', null, null, false, 'New task', '{"taskId": "7"}')`, [id]);
    const { rows } = await pool.query<{ count: number }>(`select public.notify_people($1::bigint[], 'task-assigned', null, null, false, 'New task', '{"taskId": "7"}') as count`, [many]);
    expect(rows[0].count).toBe(many.length);

    /** Each person's notification and deliveries, with the notification's id in the keys made generic. */
    const written = async (ids: string[]) => {
      const { rows: found } = await pool.query<{ id: string; person_id: string; code: string; kind: string; urgent: boolean; text: string; data: unknown; deliveries: string[] }>(
        `select n.id::text, n.person_id::text, p.code, n.kind, n.urgent, n.text, n.data,
                array(select d.channel || ' ' || d.state || ' ' || replace(d.idempotency_key, n.id::text, '<id>') from public.notification_delivery d where d.notification_id = n.id order by d.channel) as deliveries
           from public.notification n join public.person p on p.id = n.person_id where n.person_id = any($1::bigint[]) order by n.person_id`,
        [ids],
      );
      return found;
    };
    const alike = (rows: Awaited<ReturnType<typeof written>>) => rows.map(({ kind, urgent, text, data, deliveries: d }) => ({ kind, urgent, text, data, deliveries: d }));
    const byOne = await written(one);
    const byMany = await written(many);
    expect(byMany).toHaveLength(many.length);
    expect(alike(byMany)).toEqual(alike(byOne));
    expect(alike(byMany).map((row) => row.deliveries)).toEqual([['SMS PENDING notification-<id>-sms'], [], [], ['EMAIL PENDING notification-<id>-email', 'PUSH PENDING notification-<id>-push'], []]);

    await eventually(() => (announced.length >= one.length + many.length ? true : undefined), { what: 'an announcement per notification' });
    const announcedOf = (rows: typeof byOne) => rows.map((row) => announced.filter((a) => a.id === row.id && a.person === row.code).length);
    expect(announcedOf(byMany)).toEqual(many.map(() => 1));
    expect(announcedOf(byOne)).toEqual(one.map(() => 1));
    // notify_person signals each notification alone; notify_people all of them in one signal.
    expect(signals.filter((signal) => !Array.isArray(signal))).toHaveLength(one.length);
    expect(signals.filter((signal) => Array.isArray(signal))).toEqual([expect.arrayContaining(byMany.map((row) => ({ id: row.id, person: row.code })))]);
  } finally {
    await listener.end();
  }
});

test("a fan-out larger than one signal's payload is announced in several, each under PostgreSQL's limit; subscribers hear their own", async () => {
  const people: string[] = [];
  for (let i = 0; i < 200; i++) {
    const code = `grid-worker-with-a-long-code-${String(i).padStart(4, '0')}-${'x'.repeat(40)}`;
    const { rows } = await pool.query<{ id: string }>(`insert into public.person (code, name, role) values ($1, $1, 'manager') returning id::text`, [code]);
    people.push(rows[0].id);
  }
  const codes = (await pool.query<{ code: string }>(`select code from public.person where id = any($1::bigint[]) order by id`, [people])).rows.map((row) => row.code);
  const raw = new pg.Client({ connectionString: database.url });
  await raw.connect();
  const payloads: string[] = [];
  raw.on('notification', (message) => payloads.push(message.payload ?? ''));
  await raw.query('listen grid_dispatch_notifications');
  const listener = await NotificationListener.start(pool, logger);
  const [first, last] = [listener.subscribe(codes[0]), listener.subscribe(codes[199])];
  try {
    await pool.query(`select public.notify_people($1::bigint[], 'escalation', null, null, true, 'Escalated', '{}')`, [people]);
    const heard = await Promise.all([first.next(), last.next()]);
    expect(heard.map((result) => (result.done ? undefined : result.value.person))).toEqual([codes[0], codes[199]]);

    const signals = await eventually(() => {
      const all = payloads.map((payload) => JSON.parse(payload) as { person: string }[]);
      return all.flat().length >= people.length ? all : undefined;
    }, { what: 'every notification announced' });
    expect(signals.length).toBeGreaterThan(1);
    expect(signals.every(Array.isArray)).toBe(true);
    expect(Math.max(...payloads.map((payload) => Buffer.byteLength(payload)))).toBeLessThan(8000);
    expect(signals.flat().map((signal) => signal.person).sort()).toEqual([...codes].sort());
  } finally {
    await first.return?.();
    await last.return?.();
    await listener.stop();
    await raw.end();
  }
});
