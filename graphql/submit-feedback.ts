import { setTimeout as delay } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';
import { BadUserInputError, ConflictError, ForbiddenError } from '../errors/app-error';
import { NUL, UNSTORABLE_TEXT } from '../db/unstorable-text';
import type { Viewer } from './auth/viewer';
import type { ApiContext } from './context';
import type { EventRow } from './rows';
import { insertMergedFeedback } from './sql/merged-feedback';
import { findMergedReports } from './sql/merged-reports';

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
/** The reporter's rounds only: a merged reporter's feedback given meanwhile is not the one awaited. */
const FEEDBACK_COUNT = 'select count(*)::int as n from public.feedback where event_id = $1 and merged_report_id is null';

/**
 * The reporter's feedback is published as the `citizen-feedback` message the
 * process waits for (processes/README.md, step 5); record-feedback writes it
 * down. The message id is the event and the time it was closed, so feedback
 * is taken once per closing: a second one for the same closing is a CONFLICT.
 *
 * A citizen whose report was merged into the event gives theirs on it too,
 * once per closing, written down here: the process's single wait stays the
 * reporter's, and only the reporter's rounds count in the satisfaction KPI.
 * Feedback given on the merged report itself goes to the event it was
 * merged into. Resolves with the event the feedback is on.
 */
export async function submitFeedback(context: ApiContext, viewer: Viewer, event: EventRow, input: FeedbackInput): Promise<EventRow> {
  if (input.score !== undefined && input.score !== null && !(Number.isInteger(input.score) && input.score >= 1 && input.score <= 5)) {
    throw new BadUserInputError('feedback.score', `score must be an integer from 1 to 5, got ${input.score}`);
  }
  if (input.comment && input.comment.length > MAX_COMMENT_LENGTH) {
    throw new BadUserInputError('feedback.comment', `comment must be at most ${MAX_COMMENT_LENGTH} characters`);
  }
  // The feedback link's form reaches here without the GraphQL API's own check.
  if (input.comment?.includes(NUL)) throw new BadUserInputError('feedback.comment', `comment ${UNSTORABLE_TEXT}`);
  const reporter = event.reporter_id === null ? null : await context.loaders.person.load(event.reporter_id);
  const ownReport = reporter?.code === viewer.personCode;
  if (ownReport && event.status === 'MERGED' && event.duplicate_of_id !== null) {
    const surviving = await context.loaders.event.load(event.duplicate_of_id);
    if (surviving === null) throw new Error(`event ${event.id} was merged into event ${event.duplicate_of_id}, which is missing`);
    await giveAsMergedReporter(context, viewer, surviving, event.id, input);
    return surviving;
  }
  if (!ownReport) {
    const [mergedReport] = await findMergedReports(context.db, event.id, viewer.personCode);
    if (mergedReport === undefined) throw new ForbiddenError('only the people who reported an event give feedback on it');
    await giveAsMergedReporter(context, viewer, event, mergedReport, input);
    return event;
  }
  assertClosed(event);

  const feedback: { satisfied: boolean; score?: number; comment?: string } = { satisfied: input.satisfied };
  if (input.score !== undefined && input.score !== null) feedback.score = input.score;
  if (input.comment) feedback.comment = input.comment;
  const before = await feedbackCount(context, event.id);
  try {
    await context.services.zeebe.publishMessage({
      name: 'citizen-feedback',
      correlationKey: event.id,
      messageId: `feedback-${event.id}-${event.closed_at?.getTime()}`,
      timeToLive: FEEDBACK_TTL_MS,
      variables: { feedback },
    });
  } catch (error) {
    if ((error as { code?: unknown }).code === status.ALREADY_EXISTS) throw new ConflictError(`feedback on event ${event.id} was already given`);
    throw error;
  }
  await recorded(context, event.id, before);
  return event;
}

function assertClosed(event: EventRow): void {
  if (event.status !== 'CLOSED' || event.closed_at === null) throw new ConflictError(`event ${event.id} is ${event.status}: feedback is taken once it is closed`);
}

async function giveAsMergedReporter(context: ApiContext, viewer: Viewer, event: EventRow, mergedReportId: string, input: FeedbackInput): Promise<void> {
  assertClosed(event);
  const taken = await insertMergedFeedback(context.db, {
    eventId: event.id,
    citizenCode: viewer.personCode,
    mergedReportId,
    satisfied: input.satisfied,
    score: input.score ?? null,
    comment: input.comment ? input.comment : null,
  });
  if (!taken) throw new ConflictError(`feedback on event ${event.id} was already given for this closing`);
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
