import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Router } from 'express';
import { listen } from '../http/listen';

export interface OpsServer {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * The operator's endpoints (/healthz, /readyz, /metrics) on a port of their
 * own, for a process whose roles have no HTTP API to mount them on (an
 * engine, workers or task-list replica): probes and scrapes reach every
 * process the same way.
 */
export async function startOpsServer(options: { readonly host: string; readonly port: number; readonly router: Router }): Promise<OpsServer> {
  const app = express();
  app.disable('x-powered-by');
  app.use('/', options.router);
  const server: Server = createServer(app);
  await listen(server, options.host, options.port);
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
