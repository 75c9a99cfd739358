/** BroadcastSignal from a client. */
import type { BroadcastSignalInput } from '../api';
import { InvalidArgumentError } from '../errors';
import type { ProcessingContext } from './context';
import { broadcast } from './signal-broadcast';

export function broadcastSignal(ctx: ProcessingContext, input: BroadcastSignalInput): number {
  if (input.signalName === '') throw new InvalidArgumentError('Expected to broadcast a signal with a name, but the name is empty');
  return broadcast(ctx, input);
}
