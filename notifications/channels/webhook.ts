import { createHmac } from 'node:crypto';
import { DeliveryError, DeliveryErrorCode, type DeliveryChannel, type OutgoingMessage } from './channel';

/** The headers of the gateway contract (docs/operations.md, "The gateway webhook"). */
export const SIGNATURE_HEADER = 'x-grid-dispatch-signature';
export const TIMESTAMP_HEADER = 'x-grid-dispatch-timestamp';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

const ATTEMPT_TIMEOUT_MS = 10_000;

/** `v1=` and the hex HMAC-SHA256 of `<timestamp>.<body>`: what a receiver recomputes to check a request. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The JSON body the gateway receives. */
export function webhookBody(message: OutgoingMessage): Record<string, unknown> {
  return {
    id: message.idempotencyKey,
    channel: message.channel,
    kind: message.kind,
    urgent: message.urgent,
    createdAt: message.createdAt.toISOString(),
    to: { person: message.to.person, phone: message.channel === 'SMS' ? message.to.phone : null },
    text: message.text,
    eventId: message.eventId,
    link: message.link,
  };
}

/**
 * SMS and app push through the city's gateway: one signed POST per
 * message. 2xx (and 409, "already have it") is delivered; 408, 429 and 5xx
 * and network failures are tried again; other 4xx are refused for good.
 */
export class WebhookChannel implements DeliveryChannel {
  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(message: OutgoingMessage, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify(webhookBody(message));
    const timestamp = String(Math.floor(this.now().getTime() / 1000));
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [IDEMPOTENCY_HEADER]: message.idempotencyKey,
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: webhookSignature(this.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
      });
      await response.arrayBuffer();
    } catch (error) {
      throw new DeliveryError(DeliveryErrorCode.TEMPORARY, `gateway unreachable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if ((response.status >= 200 && response.status < 300) || response.status === 409) return;
    const temporary = response.status === 408 || response.status === 429 || response.status >= 500;
    throw new DeliveryError(temporary ? DeliveryErrorCode.TEMPORARY : DeliveryErrorCode.REFUSED, `gateway answered ${response.status}`);
  }
}
