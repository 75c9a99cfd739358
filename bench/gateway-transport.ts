/**
 * bench:gateway-transport — what one unary gRPC call costs the gateway's
 * process before the engine does anything: `CompleteJob` answered at once,
 * by a server in a process of its own whose CPU is read with
 * `process.cpuUsage()`, from a @grpc/grpc-js client in this process with
 * @camunda8/sdk's channel setting (every request gzipped until the server
 * says it takes identity only), BENCH_GATEWAY_IN_FLIGHT calls in flight.
 * A polling worker makes one such call per job, so this is the floor under
 * the engine's CPU per job that bench:engine reports. Three servers, rounds
 * alternated:
 *  - `gateway`: @grpc/grpc-js with the gateway's own options (server.ts), so
 *    clients send their requests uncompressed after the first answer;
 *  - `gateway, clients gzip`: the same without the identity-only answer, as
 *    the gateway was before it: the SDK deflates every request and the server
 *    inflates it;
 *  - `node:http2`: the same call answered by hand on node:http2 (headers,
 *    an empty message, `grpc-status: 0` trailers; the request's bytes are read
 *    and not decoded): what the HTTP/2 stack costs without a gRPC library.
 * A benchmark, not a test: it prints figures and ratios and never fails on a
 * number.
 *
 * BENCH_GATEWAY_CALLS (default 20,000) calls per round, BENCH_GATEWAY_ROUNDS
 * (3) rounds per server, BENCH_GATEWAY_IN_FLIGHT (100).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http2 from 'node:http2';
import { credentials, makeGenericClientConstructor, Server, ServerCredentials, type ServerOptions } from '@grpc/grpc-js';
import { loadGatewayService } from '../engine/gateway/proto';
import { GATEWAY_SERVER_OPTIONS } from '../engine/gateway/server';
import { describeLoad, describeMachine } from './machine';

const CALLS = Number(process.env.BENCH_GATEWAY_CALLS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_GATEWAY_ROUNDS ?? 3);
const IN_FLIGHT = Number(process.env.BENCH_GATEWAY_IN_FLIGHT ?? 100);
const WARM_UP_CALLS = 2_000;

const SERVERS = ['gateway', 'gateway, clients gzip', 'node:http2'] as const;
type ServerKind = (typeof SERVERS)[number];

/** Messages between this process and a server's. */
type FromServer = { readonly port: number } | { readonly cpuMicros: number };
type ToServer = 'measure' | 'report';

/** The server side: listens, then reports its CPU since `measure` when asked to `report`. */
async function serve(kind: ServerKind): Promise<void> {
  const port = kind === 'node:http2' ? await serveHttp2() : await serveGrpc(kind === 'gateway' ? GATEWAY_SERVER_OPTIONS : { ...GATEWAY_SERVER_OPTIONS, interceptors: [] });
  let since = process.cpuUsage();
  process.on('message', (message: ToServer) => {
    if (message === 'measure') since = process.cpuUsage();
    else {
      const used = process.cpuUsage(since);
      process.send!({ cpuMicros: used.user + used.system } satisfies FromServer);
    }
  });
  process.send!({ port } satisfies FromServer);
}

async function serveGrpc(options: ServerOptions): Promise<number> {
  const server = new Server(options);
  server.addService(loadGatewayService(), { CompleteJob: (_call: unknown, callback: (error: null, response: object) => void) => callback(null, {}) });
  return new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
  );
}

/** An empty protobuf message in gRPC's framing: not compressed, length 0. */
const EMPTY_MESSAGE = Buffer.from([0, 0, 0, 0, 0]);

async function serveHttp2(): Promise<number> {
  const server = http2.createServer();
  server.on('stream', (stream) => {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      stream.respond(
        { ':status': 200, 'content-type': 'application/grpc+proto', 'grpc-encoding': 'identity', 'grpc-accept-encoding': 'identity' },
        { waitForTrailers: true },
      );
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(EMPTY_MESSAGE);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

/** @camunda8/sdk's channel compression (`grpc.default_compression_algorithm`): gzip. */
const GZIP = 2;
const REQUEST = { jobKey: '2251799813685267', variables: '{"done":true}' };
const GatewayClient = makeGenericClientConstructor(loadGatewayService(), 'Gateway') as unknown as new (
  address: string,
  channelCredentials: ReturnType<typeof credentials.createInsecure>,
  options: Record<string, unknown>,
) => { CompleteJob(request: typeof REQUEST, callback: (error: Error | null) => void): void; close(): void };

async function startServer(kind: ServerKind): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(__filename, ['serve', kind]);
  const [message] = (await once(child, 'message')) as [FromServer];
  if (!('port' in message)) throw new Error(`the ${kind} server did not say its port`);
  return { child, port: message.port };
}

/** One round: the server's CPU per call in µs, and calls per second. */
async function round(kind: ServerKind): Promise<{ microsPerCall: number; callsPerSecond: number }> {
  const { child, port } = await startServer(kind);
  const client = new GatewayClient(`127.0.0.1:${port}`, credentials.createInsecure(), { 'grpc.default_compression_algorithm': GZIP });
  const completeJob = (): Promise<void> =>
    new Promise((resolve, reject) => client.CompleteJob(REQUEST, (error: Error | null) => (error ? reject(error) : resolve())));
  try {
    const calls = async (count: number): Promise<void> => {
      let sent = 0;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (sent < count) {
            sent++;
            await completeJob();
          }
        }),
      );
    };
    await calls(WARM_UP_CALLS);
    child.send('measure' satisfies ToServer);
    const started = performance.now();
    await calls(CALLS);
    const seconds = (performance.now() - started) / 1000;
    child.send('report' satisfies ToServer);
    const [message] = (await once(child, 'message')) as [FromServer];
    if (!('cpuMicros' in message)) throw new Error(`the ${kind} server did not report its CPU`);
    return { microsPerCall: message.cpuMicros / CALLS, callsPerSecond: CALLS / seconds };
  } finally {
    client.close();
    child.kill();
  }
}

async function main(): Promise<void> {
  console.log(`bench:gateway-transport — CompleteJob answered at once, grpc-js client gzipping as the SDK's does, ${IN_FLIGHT} calls in flight, ${CALLS} calls a round`);
  console.log(`machine: ${describeMachine()}, ${describeLoad()}`);
  const figures = new Map<ServerKind, number[]>(SERVERS.map((kind) => [kind, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const kind of SERVERS) {
      const { microsPerCall, callsPerSecond } = await round(kind);
      figures.get(kind)!.push(microsPerCall);
      console.log(`round ${r + 1}, ${kind}: ${microsPerCall.toFixed(1)} µs of the server's CPU per call, ${callsPerSecond.toFixed(0)} calls/s`);
    }
  }
  const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const floor = median(figures.get('node:http2')!);
  for (const kind of SERVERS) {
    const m = median(figures.get(kind)!);
    console.log(`${kind}: median ${m.toFixed(1)} µs per call, ${(m / floor).toFixed(2)}× node:http2's`);
  }
}

if (process.argv[2] === 'serve') {
  serve(process.argv[3] as ServerKind).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
