/**
 * A report's whole life, told: the reporter hears of each step in the app
 * (subscription and inbox) and through the city's gateway (a signed
 * webhook, SMS and push), staff hear of their tasks by e-mail over SMTP,
 * and the feedback request's signed link answers once. The gateway and the
 * mail server fail their first attempts and then recover: each message
 * still arrives exactly once.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text as readText } from 'node:stream/consumers';
import { gql } from 'graphql-request';
import { Registry } from 'prom-client';
import { SMTPServer } from 'smtp-server';
import { createLogger } from '../config/logger';
import { registerNotificationMetrics, sampleValue } from '../metrics';
import { EmailChannel } from '../notifications/channels/email';
import { WebhookChannel } from '../notifications/channels/webhook';
import { NotificationOutbox } from '../notifications/outbox';
import { eventually } from '../test-support/engine';
import { apiError, collect, FEEDBACK_LINK_ORIGIN, useApiHarness } from './api-harness';

jest.setTimeout(180_000);

const WEBHOOK_SECRET = 'a-test-secret-of-the-city-gateway-0123456789';
const REPLAY_WINDOW_S = 300;
const GRID_CODE = 'D01S01C01G01';
const CITIZEN = 'citizen-000004';
const CLERK = 'clerk-urban_management-001';
const GRID_WORKER = `gw-${GRID_CODE}`;

interface GatewayMessage { id: string; channel: string; kind: string; to: { person: string; phone: string | null }; text: string; eventId: string | null; link: string | null }

/** The city's gateway: checks signature and timestamp, refuses its first two requests, then takes every valid one. */
const gateway = { server: undefined as Server | undefined, url: '', requests: 0, refusedUnsigned: 0, keyMismatches: 0, accepted: [] as GatewayMessage[] };
/** The mail relay: answers its first message 451 (try later), then takes every one. */
const mail = { server: undefined as SMTPServer | undefined, port: 0, attempts: 0, accepted: [] as { messageId: string; to: string; raw: string }[] };
let outbox: NotificationOutbox | undefined;
let email: EmailChannel | undefined;
const registry = new Registry();

const h = useApiHarness({
  extension: {
    async start() {
      gateway.server = createServer((request, response) => {
        readText(request)
          .then((body) => {
            gateway.requests += 1;
            const timestamp = String(request.headers['x-grid-dispatch-timestamp'] ?? '');
            const signature = Buffer.from(String(request.headers['x-grid-dispatch-signature'] ?? ''));
            const expected = Buffer.from(`v1=${createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.${body}`).digest('hex')}`);
            const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) <= REPLAY_WINDOW_S;
            if (!fresh || signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
              gateway.refusedUnsigned += 1;
              response.writeHead(401).end();
              return;
            }
            if (gateway.requests <= 2) {
              response.writeHead(503).end();
              return;
            }
            const message = JSON.parse(body) as GatewayMessage;
            if (request.headers['idempotency-key'] !== message.id) gateway.keyMismatches += 1;
            gateway.accepted.push(message);
            response.writeHead(202, { 'content-type': 'application/json' }).end('{}');
          })
          .catch(() => response.destroy());
      });
      await new Promise<void>((resolve) => gateway.server?.listen(0, '127.0.0.1', resolve));
      gateway.url = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}/notify`;

      mail.server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        logger: false,
        onData(stream, session, callback) {
          readText(stream)
            .then((raw) => {
              mail.attempts += 1;
              if (mail.attempts === 1) {
                callback(Object.assign(new Error('mailbox busy, try again later'), { responseCode: 451 }));
                return;
              }
              const messageId = /^Message-ID:\s*(\S+)/im.exec(raw)?.[1] ?? '';
              mail.accepted.push({ messageId, to: session.envelope.rcptTo.map((r) => r.address).join(','), raw });
              callback();
            })
            .catch((error: Error) => callback(error));
        },
      });
      await new Promise<void>((resolve) => mail.server?.listen(0, '127.0.0.1', resolve));
      mail.port = (mail.server.server.address() as AddressInfo).port;

      const webhook = new WebhookChannel(gateway.url, WEBHOOK_SECRET);
      email = new EmailChannel(`smtp://127.0.0.1:${mail.port}`, 'dispatch@grid-dispatch.example');
      outbox = new NotificationOutbox({
        pool: h.grid.te.pool,
        channels: { SMS: webhook, PUSH: webhook, EMAIL: email },
        links: h.feedbackLinks,
        logger: createLogger('silent'),
        pollMs: 100,
        retryBaseMs: 200,
        maxAttempts: 10,
        quietHours: undefined,
        timeZone: 'Asia/Shanghai',
        observer: registerNotificationMetrics(registry, h.grid.te.pool),
      });
      outbox.start();
    },
    async stop() {
      await outbox?.stop();
      email?.close();
      await new Promise<void>((resolve) => (gateway.server ? gateway.server.close(() => resolve()) : resolve()));
      await new Promise<void>((resolve) => (mail.server ? mail.server.close(() => resolve()) : resolve()));
    },
  },
});

const PREFERENCES = gql`mutation Prefs($channels: [NotificationChannel!]!, $email: String) { setNotificationPreferences(channels: $channels, email: $email) { channels email } }`;
const INBOX = gql`query Inbox { notifications(first: 50) { id kind urgent text eventId feedbackUrl } }`;
const QUEUE = gql`query Queue { tasks(filter: { myGroups: true }) { edges { node { id formKey event { id } } } } }`;

interface InboxItem { id: string; kind: string; urgent: boolean; text: string; eventId: string | null; feedbackUrl: string | null }

async function complete(person: string, eventId: string, formKey: string, input: { outcome?: string; variables?: Record<string, unknown> }): Promise<void> {
  const client = await h.as(person);
  const task = await eventually(
    async () => (await client.request<{ tasks: { edges: { node: { id: string; formKey: string; event: { id: string } | null } }[] } }>(QUEUE)).tasks.edges
      .map((e) => e.node)
      .find((t) => t.event?.id === eventId && t.formKey === formKey),
    { what: `${formKey} of event ${eventId} for ${person}`, timeoutMs: 60_000 },
  );
  await client.request(gql`mutation C($id: ID!) { claimTask(id: $id) { id } }`, { id: task.id });
  await client.request(gql`mutation C($id: ID!, $outcome: String, $variables: JSONObject) { completeTask(id: $id, outcome: $outcome, variables: $variables) { id } }`, { id: task.id, ...input });
}

async function inboxOf(person: string): Promise<InboxItem[]> {
  return (await (await h.as(person)).request<{ notifications: InboxItem[] }>(INBOX)).notifications;
}

const duplicates = (values: readonly string[]): string[] => values.filter((value, i) => values.indexOf(value) !== i);

test('preferences: citizens choose SMS and push, staff e-mail with an address; e-mail is refused to citizens and without an address', async () => {
  const citizen = await h.as('citizen-000005');
  expect(await citizen.request(gql`{ notificationPreferences { channels email } }`)).toEqual({ notificationPreferences: { channels: ['SMS'], email: null } });
  expect(await apiError(citizen.request(PREFERENCES, { channels: ['EMAIL'], email: 'me@example.org' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'channels' });
  expect(await apiError((await h.as('clerk-urban_management-002')).request(PREFERENCES, { channels: ['EMAIL'] }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
  expect(await citizen.request(PREFERENCES, { channels: ['PUSH', 'PUSH'] })).toEqual({ setNotificationPreferences: { channels: ['PUSH'], email: null } });
});

test('a report\'s whole life notifies the reporter at each step, asks for feedback by a link that works once; gateway and mail receive each message once despite failing first', async () => {
  await h.grid.department('urban_management');
  await (await h.as(CITIZEN)).request(PREFERENCES, { channels: ['SMS', 'PUSH'] });
  await (await h.as(CLERK)).request(PREFERENCES, { channels: ['EMAIL'], email: 'clerk1@urban.example' });
  await (await h.as(GRID_WORKER)).request(PREFERENCES, { channels: ['EMAIL'], email: 'gw@grid.example' });

  const socket = await h.ws(CITIZEN);
  const received = collect<{ notificationReceived: { id: string; kind: string; eventId: string } }>(socket, 'subscription { notificationReceived { id kind eventId } }');
  await received.ready;
  await eventually(() => (h.notifications.subscriberCount > 0 ? true : undefined), { what: 'the subscription to reach the server' });

  const point = await h.grid.pointIn(GRID_CODE);
  const { reportEvent } = await (await h.as(CITIZEN)).request<{ reportEvent: { id: string } }>(gql`mutation R($input: ReportEventInput!) { reportEvent(input: $input) { id } }`, {
    input: { category: 'illegal_parking', severity: 'MEDIUM', description: 'a van blocks the fire lane', ...point },
  });
  const eventId = reportEvent.id;
  await complete(CLERK, eventId, 'grid-dispatch-handle', { outcome: 'RESOLVED' });
  await complete(GRID_WORKER, eventId, 'grid-dispatch-verify', { variables: { verified: true } });

  const steps = ['EVENT_ACCEPTED', 'EVENT_ROUTED', 'EVENT_RESOLVED', 'EVENT_CLOSED', 'FEEDBACK_REQUEST'];
  const inbox = await eventually(
    async () => {
      const mine = (await inboxOf(CITIZEN)).filter((n) => n.eventId === eventId).reverse();
      return mine.length >= steps.length ? mine : undefined;
    },
    { what: 'the reporter to be told of every step', timeoutMs: 60_000 },
  );
  expect(inbox.map((n) => n.kind)).toEqual(steps);
  expect(inbox.every((n) => !n.urgent)).toBe(true);
  await eventually(() => (received.items.filter((i) => i.notificationReceived.eventId === eventId).length >= steps.length ? true : undefined), {
    what: 'the subscription to hear every step',
  });
  received.stop();
  expect(received.items.map((i) => i.notificationReceived).filter((n) => n.eventId === eventId).map((n) => n.id)).toEqual(inbox.map((n) => n.id));

  // The gateway: every step by SMS and by push, each exactly once, though its first two answers were 503.
  const expectedKeys = inbox.flatMap((n) => [`notification-${n.id}-sms`, `notification-${n.id}-push`]);
  await eventually(() => (expectedKeys.every((key) => gateway.accepted.some((m) => m.id === key)) ? true : undefined), {
    what: 'the gateway to take every message',
    timeoutMs: 60_000,
  });
  const citizenMessages = gateway.accepted.filter((m) => m.to.person === CITIZEN);
  expect(duplicates(gateway.accepted.map((m) => m.id))).toEqual([]);
  expect(citizenMessages.map((m) => m.id).sort()).toEqual([...expectedKeys].sort());
  expect(gateway.requests).toBeGreaterThan(gateway.accepted.length);
  expect({ refusedUnsigned: gateway.refusedUnsigned, keyMismatches: gateway.keyMismatches }).toEqual({ refusedUnsigned: 0, keyMismatches: 0 });
  const sms = citizenMessages.find((m) => m.kind === 'feedback-request' && m.channel === 'SMS');
  expect(sms?.to.phone).toMatch(/^1\d{10}$/);
  expect(citizenMessages.find((m) => m.channel === 'PUSH')?.to.phone).toBeNull();

  // Staff: the clerk's and the grid worker's tasks by e-mail, each once, though the first attempt was refused with 451.
  await eventually(() => (mail.accepted.some((m) => m.to === 'clerk1@urban.example') && mail.accepted.some((m) => m.to === 'gw@grid.example') ? true : undefined), {
    what: 'the task e-mails',
    timeoutMs: 60_000,
  });
  expect(mail.attempts).toBeGreaterThan(mail.accepted.length);
  expect(duplicates(mail.accepted.map((m) => m.messageId))).toEqual([]);
  const mailed = await eventually(
    async () => {
      const { rows } = await h.grid.te.pool.query<{ key: string; email: string; state: string }>(
        `select d.idempotency_key as key, pref.email, d.state from public.notification_delivery d join public.notification n on n.id = d.notification_id
         join public.notification_preference pref on pref.person_id = n.person_id where d.channel = 'EMAIL' and n.event_id = $1`,
        [eventId],
      );
      return rows.length >= 2 && rows.every((row) => row.state === 'SENT') ? rows : undefined;
    },
    { what: 'the e-mail deliveries to be marked sent', timeoutMs: 30_000 },
  );
  for (const row of mailed) expect(mail.accepted.filter((m) => m.messageId === `<${row.key}@grid-dispatch.example>` && m.to === row.email)).toHaveLength(1);

  // The feedback request: the same signed link in the app and the SMS; it answers once without signing in.
  const link = sms?.link ?? '';
  expect(inbox[inbox.length - 1]?.feedbackUrl).toBe(link);
  expect(link.startsWith(`${FEEDBACK_LINK_ORIGIN}/feedback/`)).toBe(true);
  const url = link.replace(FEEDBACK_LINK_ORIGIN, h.origin);
  const form = await fetch(url);
  expect(form.status).toBe(200);
  expect(await form.text()).toContain('<form method="post">');
  const answer = (comment = 'cleared within the hour'): Promise<Response> =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ satisfied: true, score: 5, comment }) });
  // A comment PostgreSQL cannot store is refused, naming the field, and leaves the link unused.
  const unstorable = await answer('cleared\u0000');
  expect({ status: unstorable.status, body: await unstorable.json() }).toMatchObject({
    status: 400,
    body: { error: { code: 'BAD_USER_INPUT', message: 'comment contains the character U+0000, which cannot be stored; remove it' } },
  });
  const first = await answer();
  expect({ status: first.status, body: await first.json() }).toEqual({ status: 200, body: { eventId, satisfied: true } });
  const second = await answer();
  expect({ status: second.status, body: await second.json() }).toEqual({
    status: 409,
    body: { error: { code: 'LINK_USED', message: 'this feedback link was already used: each link answers once' } },
  });
  const tampered = await fetch(`${url.slice(0, -2)}xx`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"satisfied":false}' });
  expect({ status: tampered.status, code: ((await tampered.json()) as { error: { code: string } }).error.code }).toEqual({ status: 400, code: 'LINK_INVALID' });

  // An expired link is refused as such.
  const stale = await h.feedbackLinks.url({ notificationId: inbox[inbox.length - 1]?.id ?? '', personCode: CITIZEN, eventId }, new Date(Date.now() - 48 * 3600_000));
  const expired = await fetch(stale.replace(FEEDBACK_LINK_ORIGIN, h.origin), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"satisfied":true}' });
  expect({ status: expired.status, code: ((await expired.json()) as { error: { code: string } }).error.code }).toEqual({ status: 410, code: 'LINK_EXPIRED' });

  // The failed attempts and the outbox's state show in the metrics.
  const exposition = await registry.metrics();
  expect(sampleValue(exposition, 'grid_dispatch_notification_deliveries_total', { outcome: 'retry' })).toBeGreaterThanOrEqual(3);
  expect(sampleValue(exposition, 'grid_dispatch_notification_deliveries_total', { channel: 'EMAIL', outcome: 'retry' })).toBe(1);
  expect(sampleValue(exposition, 'grid_dispatch_notification_outbox', { channel: 'EMAIL', state: 'SENT' })).toBeGreaterThanOrEqual(2);

  // The answer is the feedback the process waited for, as the GraphQL mutation gives it.
  const feedback = await eventually(
    async () => {
      const { rows } = await h.grid.te.pool.query<{ satisfied: boolean; score: number; comment: string }>(`select satisfied, score, comment from public.feedback where event_id = $1`, [eventId]);
      return rows.length > 0 ? rows : undefined;
    },
    { what: 'the feedback to be recorded', timeoutMs: 30_000 },
  );
  expect(feedback).toEqual([{ satisfied: true, score: 5, comment: 'cleared within the hour' }]);
  await h.grid.completed(String((await h.grid.event(Number(eventId))).processInstanceKey));
});
