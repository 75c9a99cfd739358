/**
 * The service split into processes by role (`node dist/main.js` with ROLES),
 * all on one database, and the grid flow driven through them the way people
 * do: GraphQL over HTTP and WebSocket, a department's system over HTTP.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { json as readJson } from 'node:stream/consumers';
import { ClientError, GraphQLClient, gql } from 'graphql-request';
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { findViewer } from '../graphql/auth/find-viewer';
import { signDevelopmentToken } from '../graphql/auth/sign-token';
import { eventually } from '../test-support/engine';
import { startServiceProcess, type ServiceProcess } from '../test-support/service-process';
import { AUTH } from './api-harness';

/** The line every process logs last at start, whatever its roles. */
export const READY_LINE = /"msg":"ready: /;

export interface RoleProcess extends ServiceProcess {
  readonly name: string;
  /** The port of what it logged as `<what> listening on …` (api, ops, gateway, REST gateway, open311). */
  port(what: string): number;
}

interface LogLine {
  readonly msg: string;
  readonly port?: number;
}

export function logLines(service: ServiceProcess): LogLine[] {
  return service
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** Starts `node dist/main.js` with these settings and waits for its ready line. */
export async function startRole(name: string, env: Record<string, string>): Promise<RoleProcess> {
  const service = await startServiceProcess({ LOG_LEVEL: 'info', GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: '0', ...env }, READY_LINE);
  return {
    ...service,
    name,
    port(what) {
      const line = logLines(service).find((l) => l.msg.startsWith(`${what} listening on `));
      if (line?.port === undefined) throw new Error(`${name} logged no "${what} listening on" line:\n${service.output()}`);
      return line.port;
    },
  };
}

export async function kill(service: ServiceProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill(signal);
  await service.exited;
}

/** A department's system: acts on each Idempotency-Key once, answers a repeated key as it answered the first. */
export interface Department {
  readonly url: string;
  /** Requests per key: delivery is at least once, so a key may come more than once. */
  readonly requests: Map<string, number>;
  /** What it acted on, in order: each key at most once. */
  readonly applied: string[];
  close(): Promise<void>;
}

export async function startDepartment(): Promise<Department> {
  const requests = new Map<string, number>();
  const applied: string[] = [];
  const server: Server = createServer((request, response) => {
    readJson(request)
      .then(() => {
        const key = String(request.headers['idempotency-key']);
        requests.set(key, (requests.get(key) ?? 0) + 1);
        if (!applied.includes(key)) applied.push(key);
        response.writeHead(201, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ ticket: key }));
      })
      .catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    requests,
    applied,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const REPORT = gql`mutation Report($input: ReportEventInput!) { reportEvent(input: $input) { id } }`;
const QUEUE = gql`query Queue($filter: TaskFilter) { tasks(filter: $filter) { edges { node { id formKey assignee event { id } } } } }`;
const CLAIM = gql`mutation Claim($id: ID!) { claimTask(id: $id) { id assignee } }`;
const COMPLETE = gql`mutation Complete($id: ID!, $outcome: String, $variables: JSONObject) { completeTask(id: $id, outcome: $outcome, variables: $variables) { id } }`;
const EVENT = gql`query Event($id: ID!) { event(id: $id) { id status timeline { toStatus } feedback { score } } }`;
const FEEDBACK = gql`mutation Feedback($id: ID!) { submitFeedback(eventId: $id, feedback: { satisfied: true, score: 5, comment: "done" }) { id } }`;

export interface QueueTask {
  readonly id: string;
  readonly formKey: string;
  readonly assignee: string | null;
  readonly event: { readonly id: string } | null;
}

export interface EventView {
  readonly id: string;
  readonly status: string;
  readonly timeline: { readonly toStatus: string }[];
  readonly feedback: { readonly score: number }[];
}

/** People acting through the API replicas' origins (http://127.0.0.1:<port>). */
export class PeopleThroughApi {
  private readonly tokens = new Map<string, string>();
  private readonly sockets: Client[] = [];

  constructor(private readonly databaseUrl: string) {}

  async token(code: string): Promise<string> {
    const known = this.tokens.get(code);
    if (known !== undefined) return known;
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      const token = await signDevelopmentToken(AUTH, await findViewer(client, code));
      this.tokens.set(code, token);
      return token;
    } finally {
      await client.end();
    }
  }

  async as(code: string, origin: string): Promise<GraphQLClient> {
    return new GraphQLClient(`${origin}/graphql`, { headers: { authorization: `Bearer ${await this.token(code)}` } });
  }

  async report(origin: string, citizen: string, category: string, point: { lon: number; lat: number }): Promise<string> {
    const client = await this.as(citizen, origin);
    const { reportEvent } = await client.request<{ reportEvent: { id: string } }>(REPORT, { input: { category, severity: 'MEDIUM', description: `${category} at the corner`, lon: point.lon, lat: point.lat } });
    return reportEvent.id;
  }

  /**
   * Waits until the person's queue (their groups) holds the event's task of this form. Long enough for a
   * task whose listener job a killed task list held: the engine hands it out again after its 60 s time-out.
   */
  async taskOf(origin: string, person: string, eventId: string, formKey: string): Promise<QueueTask> {
    const client = await this.as(person, origin);
    return eventually(
      async () => {
        const { tasks } = await client.request<{ tasks: { edges: { node: QueueTask }[] } }>(QUEUE, { filter: { myGroups: true } });
        return tasks.edges.map((edge) => edge.node).find((task) => task.event?.id === eventId && task.formKey === formKey);
      },
      { what: `${formKey} task of event ${eventId} in ${person}'s queue`, timeoutMs: 180_000, intervalMs: 200 },
    ).catch(async (error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${await this.whereIs(eventId)}`, { cause: error });
    });
  }

  /** Where an event's flow stands: its task rows and its instance's last records, to tell a slow step from a lost one. */
  private async whereIs(eventId: string): Promise<string> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      const { rows: tasks } = await client.query<{ form_key: string; state: string }>('select form_key, state from public.task where event_id = $1 order by id', [eventId]);
      const { rows: records } = await client.query<{ at: string; what: string }>(
        `select to_char(r.created_at, 'HH24:MI:SS.MS') as at, r.value_type || ' ' || r.intent || ' ' || coalesce(r.element_id, '') || ' ' || coalesce(r.value->>'type', '') as what
           from engine.record r join public.grid_event e on e.process_instance_key = r.process_instance_key
          where e.id = $1 order by r.position desc limit 12`,
        [eventId],
      );
      return `task rows: ${tasks.map((t) => `${t.form_key} ${t.state}`).join(', ') || 'none'}; last records (newest first, now ${new Date().toISOString()}):\n${records.map((r) => `  ${r.at} ${r.what}`).join('\n')}`;
    } finally {
      await client.end();
    }
  }

  async claim(origin: string, person: string, taskId: string): Promise<void> {
    await (await this.as(person, origin)).request(CLAIM, { id: taskId });
  }

  async complete(origin: string, person: string, taskId: string, change: { outcome?: string; variables?: Record<string, unknown> }): Promise<void> {
    await (await this.as(person, origin)).request(COMPLETE, { id: taskId, ...change });
  }

  async event(origin: string, citizen: string, eventId: string): Promise<EventView> {
    return (await (await this.as(citizen, origin)).request<{ event: EventView }>(EVENT, { id: eventId })).event;
  }

  async waitForEvent(origin: string, citizen: string, eventId: string, what: string, done: (event: EventView) => boolean): Promise<EventView> {
    return eventually(
      async () => {
        const event = await this.event(origin, citizen, eventId);
        return done(event) ? event : undefined;
      },
      { what: `event ${eventId}: ${what}`, timeoutMs: 120_000, intervalMs: 250 },
    );
  }

  async feedback(origin: string, citizen: string, eventId: string): Promise<void> {
    await (await this.as(citizen, origin)).request(FEEDBACK, { id: eventId });
  }

  /** A graphql-ws client of the person on one replica; closed by close(). */
  async socket(person: string, origin: string): Promise<Client> {
    const client = createClient({
      url: `${origin.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${await this.token(person)}` },
      lazy: false,
      retryAttempts: 0,
    });
    this.sockets.push(client);
    return client;
  }

  async close(): Promise<void> {
    await Promise.all(this.sockets.splice(0).map((socket) => Promise.resolve(socket.dispose())));
  }
}

/** The statuses an event went through, repeats of the same status folded (a note may repeat one). */
export function statusPath(event: EventView): string[] {
  return event.timeline.map((t) => t.toStatus).filter((status, i, all) => i === 0 || status !== all[i - 1]);
}

/** Whether a GraphQL call failed because the replica is gone (no answer), not because the API refused it. */
export function isUnreachable(error: unknown): boolean {
  return !(error instanceof ClientError);
}
