import { CodedError, type CodeOf, type CodedErrorOptions } from '../../errors/coded-error';
import type { DeliveryChannelName, NotificationKind } from '../vocabulary';

/** One notification on its way through one outside channel. */
export interface OutgoingMessage {
  /** `notification-<id>-<channel>`: the same for every attempt, so a receiver acts on it once. */
  readonly idempotencyKey: string;
  readonly channel: DeliveryChannelName;
  readonly notificationId: string;
  readonly kind: NotificationKind;
  readonly urgent: boolean;
  readonly text: string;
  readonly eventId: string | null;
  readonly createdAt: Date;
  readonly to: { readonly person: string; readonly name: string; readonly phone: string | null; readonly email: string | null };
  /** A feedback request's signed link. */
  readonly link: string | null;
}

export interface DeliveryChannel {
  /** Resolves once the receiver took the message; rejects with a DeliveryError otherwise. */
  send(message: OutgoingMessage, signal: AbortSignal): Promise<void>;
}

export const DeliveryErrorCode = {
  /** Worth another attempt later: the receiver is down, slow or busy. */
  TEMPORARY: 'DELIVERY_TEMPORARY',
  /** The receiver refused the message itself: no attempt will change that. */
  REFUSED: 'DELIVERY_REFUSED',
} as const;
export type DeliveryErrorCode = CodeOf<typeof DeliveryErrorCode>;

export class DeliveryError extends CodedError<DeliveryErrorCode> {
  constructor(code: DeliveryErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}
