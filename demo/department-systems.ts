/**
 * The departments' own systems, played by real HTTP servers (one per
 * department with a system) that answer the department client's contract
 * (workers/departments/department-client.ts) the way real ones do: most at
 * once, some slowly, one sometimes "not ours", one down for a while and then
 * back. A repeated Idempotency-Key gets the first answer again.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Prng } from '../orm/seed/prng';

export type Behaviour = 'prompt' | 'slow' | 'picky' | 'flaky';

/** Who plays what; every other department with a system answers promptly. */
export const BEHAVIOURS: Readonly<Record<string, Behaviour>> = Object.freeze({
  roads: 'flaky',
  market_regulation: 'picky',
  housing: 'slow',
  health: 'slow',
});

export interface DepartmentSystem {
  readonly code: string;
  readonly behaviour: Behaviour;
  readonly url: string;
  /** Requests answered, by status. */
  readonly answered: Map<number, number>;
}

export interface DepartmentSystems {
  readonly systems: readonly DepartmentSystem[];
  /** Whether the failing department's system is down at this moment. */
  isDown(): boolean;
  /** Starts the outage clock (the first outage begins now): when the city starts reporting. */
  startOutages(): void;
  close(): Promise<void>;
}

export interface OutageSchedule {
  readonly outageSeconds: number;
  readonly outageEverySeconds: number;
}

export async function startDepartmentSystems(codes: readonly string[], outage: OutageSchedule, seed: number): Promise<DepartmentSystems> {
  let started: number | undefined;
  const isDown = (): boolean => started !== undefined && ((Date.now() - started) / 1000) % outage.outageEverySeconds < outage.outageSeconds;
  const servers: Server[] = [];
  const systems: DepartmentSystem[] = [];
  const rng = new Prng(seed);
  for (const code of codes) {
    const behaviour = BEHAVIOURS[code] ?? 'prompt';
    const answered = new Map<number, number>();
    const remembered = new Map<string, { status: number; body: unknown }>();
    const server = createServer((request, response) => {
      void answer(request, response, { behaviour, isDown, rng, remembered }).then((status) => answered.set(status, (answered.get(status) ?? 0) + 1));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    servers.push(server);
    systems.push({ code, behaviour, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`, answered });
  }
  return {
    systems,
    isDown,
    startOutages: () => {
      started ??= Date.now();
    },
    close: async () => {
      await Promise.all(
        servers.map(async (server) => {
          const closed = once(server, 'close');
          server.close();
          server.closeAllConnections();
          await closed;
        }),
      );
    },
  };
}

interface AnswerContext {
  readonly behaviour: Behaviour;
  readonly isDown: () => boolean;
  readonly rng: Prng;
  readonly remembered: Map<string, { status: number; body: unknown }>;
}

async function answer(request: IncomingMessage, response: ServerResponse, context: AnswerContext): Promise<number> {
  for await (const _chunk of request); // the body is not needed; reading it lets the connection be reused
  const key = request.headers['idempotency-key'];
  const send = (status: number, body: unknown): number => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    return status;
  };
  if (typeof key === 'string') {
    const earlier = context.remembered.get(key);
    if (earlier !== undefined) return send(earlier.status, earlier.body);
  }
  let status = 202;
  let body: unknown = { received: true };
  switch (context.behaviour) {
    case 'prompt':
      await sleep(context.rng.between(20, 300));
      break;
    case 'slow':
      await sleep(context.rng.between(1_500, 4_000));
      break;
    case 'picky':
      await sleep(context.rng.between(50, 500));
      if (context.rng.next() < 0.3) {
        status = 409;
        body = { code: 'NOT_OURS', reason: 'this address is served by the district office, not by us' };
      }
      break;
    case 'flaky':
      // Down: nothing is remembered, so the retry after the outage is acted on.
      if (context.isDown()) return send(503, { error: 'maintenance' });
      await sleep(context.rng.between(50, 400));
      break;
    default:
      return context.behaviour satisfies never;
  }
  if (typeof key === 'string') context.remembered.set(key, { status, body });
  return send(status, body);
}
