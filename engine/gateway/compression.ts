/**
 * @camunda8/sdk sets gzip as its channel's default compression, so every
 * request it sends is deflated by the client and inflated here — on loopback
 * or a LAN that costs both sides CPU for messages of a few hundred bytes
 * (inflation was the largest single item in the engine's profile under
 * bench:engine). gRPC lets a server say which encodings it accepts
 * (`grpc-accept-encoding` in its response headers); grpc-js clients then send
 * that channel's later requests uncompressed. Compressed requests are still
 * accepted: a client that compresses regardless is served as before.
 */
import { ServerInterceptingCall, type ServerInterceptor } from '@grpc/grpc-js';

const ACCEPTED_ENCODINGS = 'identity';

export const identityEncodingOnly: ServerInterceptor = (_method, call) =>
  new ServerInterceptingCall(call, {
    sendMetadata: (metadata, next) => {
      metadata.set('grpc-accept-encoding', ACCEPTED_ENCODINGS);
      next(metadata);
    },
  });
