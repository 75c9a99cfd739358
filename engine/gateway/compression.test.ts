/**
 * The gateway tells clients to send uncompressed requests and still accepts
 * gzipped ones: a raw HTTP/2 gRPC call, gzipped as @camunda8/sdk sends it.
 */
import http2 from 'node:http2';
import { gzipSync } from 'node:zlib';
import pino from 'pino';

import type { EngineApi } from '../api';
import { startGateway, type Gateway } from './server';

let gateway: Gateway | undefined;

afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

function frame(message: Buffer, compressed: boolean): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(compressed ? 1 : 0, 0);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

interface Answer {
  readonly headers: http2.IncomingHttpHeaders;
  readonly trailers: http2.IncomingHttpHeaders;
  readonly body: Buffer;
}

function topology(port: number, encoding: 'gzip' | 'identity'): Promise<Answer> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  return new Promise<Answer>((resolve, reject) => {
    const request = session.request({
      ':method': 'POST',
      ':path': '/gateway_protocol.Gateway/Topology',
      'content-type': 'application/grpc+proto',
      te: 'trailers',
      'grpc-encoding': encoding,
      'grpc-accept-encoding': 'identity,deflate,gzip',
    });
    let headers: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    request.on('response', (received) => (headers = received));
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('trailers', (trailers: http2.IncomingHttpHeaders) => resolve({ headers, trailers, body: Buffer.concat(chunks) }));
    request.on('error', reject);
    // An empty TopologyRequest, gzipped or not.
    request.end(encoding === 'gzip' ? frame(gzipSync(Buffer.alloc(0)), true) : frame(Buffer.alloc(0), false));
  }).finally(() => session.close());
}

test('responses accept only identity encoding, and a gzipped request is still answered', async () => {
  const engine = { topology: () => ({ brokerVersion: '8.6.0' }) } as unknown as EngineApi;
  gateway = await startGateway({ engine, host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });

  for (const encoding of ['gzip', 'identity'] as const) {
    const answer = await topology(gateway.port, encoding);
    expect(answer.headers['grpc-accept-encoding']).toBe('identity');
    expect(answer.trailers['grpc-status']).toBe('0');
    expect(answer.body.length).toBeGreaterThan(5);
  }
});
