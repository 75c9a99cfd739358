/**
 * A department's own system for a drill: a real HTTP server that either
 * answers (201, acting on each Idempotency-Key once and answering a repeated
 * key as the first time) or hangs — it accepts the connection, reads the
 * request and never answers, the way a stuck upstream behind a proxy does.
 */
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type DepartmentMode = 'answer' | 'hang';

export interface DrillDepartment {
  readonly code: string;
  readonly url: string;
  /** Requests per Idempotency-Key: delivery is at least once, so a key may come more than once. */
  readonly requests: Map<string, number>;
  /** The keys acted on, in order: each at most once. */
  readonly applied: string[];
  /** Requests left without an answer so far. */
  readonly hung: number;
  /** The most requests waiting for an answer at one moment. */
  readonly mostWaiting: number;
  setMode(mode: DepartmentMode): void;
  close(): Promise<void>;
}

export async function startDrillDepartment(code: string, mode: DepartmentMode): Promise<DrillDepartment> {
  let current = mode;
  let hung = 0;
  let waiting = 0;
  let mostWaiting = 0;
  const requests = new Map<string, number>();
  const applied: string[] = [];
  const held = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const key = String(request.headers['idempotency-key']);
    requests.set(key, (requests.get(key) ?? 0) + 1);
    if (current === 'hang') {
      hung++;
      waiting++;
      mostWaiting = Math.max(mostWaiting, waiting);
      held.add(response);
      // The caller gives up (its time-out) and closes the connection; the hang ends only then.
      response.on('close', () => {
        waiting--;
        held.delete(response);
      });
      request.resume();
      return;
    }
    request.resume();
    request.on('end', () => {
      if (!applied.includes(key)) applied.push(key);
      response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ ticket: key }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    code,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    requests,
    applied,
    get hung() {
      return hung;
    },
    get mostWaiting() {
      return mostWaiting;
    },
    setMode: (next) => {
      current = next;
    },
    close: async () => {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
