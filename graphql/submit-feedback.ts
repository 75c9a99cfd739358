import { setTimeout as delay } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';
import { BadUserInputError, ConflictError, ForbiddenError } from '../errors/app-error';
import type { Viewer } from './auth/viewer';
import type { ApiContext } from './context';
import type { EventRow } from './rows';

export interface FeedbackInput {
  readonly satisfied: boolean;
  readonly score?: number | null;
  readonly comment?: string | null;
}

/** How long the gateway keeps feedback that arrives just before the process waits for it (close-event → catch event). */
const FEEDBACK_TTL_MS = 60 * 60 * 1000;
const MAX_COMMENT_LENGTH = 2_000;
/**
 * How long the answer waits for record-feedback to write the feedback down,
 * so that the event it answers with holds it. Past this (the process was no
 * longer waiting for feedback) it answers with the event as it stands.
 */
const RECORDED_WITHIN_MS = 10_000;
const FEEDBACK_COUNT = 'select count(*)::int as n from public.feedback where event_id = $1';

/**
 * Publishes the reporter's feedback as the `citizen-feedback` message the
 * process waits for (processes/README.md, step 5); record-feedback writes it
 * down. The message id is the event and the time it was closed, so feedback
 * is taken once per closing: a second one for the same closing is a CONFLICT.
 */
export async function submitFeedback(context: ApiContext, viewer: Viewer, event: EventRow, input: FeedbackInput): Promise<void> {
  const reporter = event.reporter_id === null ? null : await context.loaders.person.load(event.reporter_id);
  if (reporter?.code !== viewer.personCode) throw new ForbiddenError('only the person who reported an event gives feedback on it');
  if (input.score !== undefined && input.score !== null && !(Number.isInteger(input.score) && input.score >= 1 && input.score <= 5)) {
    throw new BadUserInputError('feedback.score', `score must be an integer from 1 to 5, got ${input.score}`);
  }
  if (input.comment && input.comment.length > MAX_COMMENT_LENGTH) {
    throw new BadUserInputError('feedback.comment', `comment must be at most ${MAX_COMMENT_LENGTH} characters`);
  }
  if (event.status !== 'CLOSED' || event.closed_at === null) throw new ConflictError(`event ${event.id} is ${event.status}: feedback is taken once it is closed`);

  const feedback: { satisfied: boolean; score?: number; comment?: string } = { satisfied: input.satisfied };
  if (input.score !== undefined && input.score !== null) feedback.score = input.score;
  if (input.comment) feedback.comment = input.comment;
  const before = await feedbackCount(context, event.id);
  try {
    await context.services.zeebe.publishMessage({
      name: 'citizen-feedback',
      correlationKey: event.id,
      messageId: `feedback-${event.id}-${event.closed_at.getTime()}`,
      timeToLive: FEEDBACK_TTL_MS,
      variables: { feedback },
    });
  } catch (error) {
    if ((error as { code?: unknown }).code === status.ALREADY_EXISTS) throw new ConflictError(`feedback on event ${event.id} was already given`);
    throw error;
  }
  await recorded(context, event.id, before);
}

/** Resolves once the event has more feedback rows than `before`, or the wait is over. */
async function recorded(context: ApiContext, eventId: string, before: number): Promise<void> {
  const deadline = Date.now() + RECORDED_WITHIN_MS;
  for (let pause = 10; Date.now() < deadline; pause = Math.min(pause * 2, 200)) {
    if ((await feedbackCount(context, eventId)) > before) return;
    await delay(pause);
  }
}

async function feedbackCount(context: ApiContext, eventId: string): Promise<number> {
  const { rows } = await context.db.query<{ n: number }>(FEEDBACK_COUNT, [eventId]);
  return rows[0]?.n ?? 0;
}
