import { once } from 'node:events';
import type { Server } from 'node:net';

/** Listens and resolves once bound; an error while binding (a port in use) rejects instead of being thrown as an event. */
export async function listen(server: Server, host: string, port: number): Promise<void> {
  server.listen(port, host);
  await once(server, 'listening');
}
