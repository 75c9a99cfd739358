import { Feedback } from '../orm/entities';
import { complete, InvalidJobError, type JobAnswer, type JobInput } from './job';
import type { WorkerServices } from './services';
import { recordOnce, recordTransition } from './timeline';
import { eventIdOf } from './variables';

export const FEEDBACK_OUTCOMES = ['SATISFIED', 'UNSATISFIED', 'NO_RESPONSE'] as const;
export type FeedbackOutcome = (typeof FEEDBACK_OUTCOMES)[number];

/** record-feedback: one Feedback row per round (satisfied, unsatisfied, or none when no answer came), and a timeline entry. */
export async function recordFeedback(job: JobInput, services: WorkerServices): Promise<JobAnswer> {
  const eventId = eventIdOf(job.variables);
  const outcome = job.variables.feedbackOutcome;
  if (!(FEEDBACK_OUTCOMES as readonly unknown[]).includes(outcome)) {
    throw new InvalidJobError(`feedbackOutcome: expected one of ${FEEDBACK_OUTCOMES.join(', ')}, got ${JSON.stringify(outcome)}`);
  }
  const { satisfied, score, comment } = feedbackOf(outcome as FeedbackOutcome, job.variables.feedback);

  await recordOnce(services.em, eventId, job.key, (tx, event) => {
    tx.create(Feedback, { event, citizen: event.reporter ?? null, satisfied, score, comment });
    const said = satisfied === null ? 'no feedback in time' : `feedback: ${satisfied ? 'satisfied' : 'unsatisfied'}${score === null ? '' : `, score ${score}`}`;
    recordTransition(tx, event, event.status, said, job.key);
  });
  return complete();
}

interface FeedbackValues {
  readonly satisfied: boolean | null;
  readonly score: number | null;
  readonly comment: string | null;
}

/** The outcome decides satisfaction; score and comment are kept when they are well-formed, else dropped. */
function feedbackOf(outcome: FeedbackOutcome, raw: unknown): FeedbackValues {
  // A NO_RESPONSE round may still see the feedback variable of an earlier round: it is not this round's.
  if (outcome === 'NO_RESPONSE') return { satisfied: null, score: null, comment: null };
  const feedback = typeof raw === 'object' && raw !== null ? (raw as { score?: unknown; comment?: unknown }) : {};
  const score = typeof feedback.score === 'number' && Number.isInteger(feedback.score) && feedback.score >= 1 && feedback.score <= 5 ? feedback.score : null;
  const comment = typeof feedback.comment === 'string' && feedback.comment !== '' ? feedback.comment.slice(0, 2_000) : null;
  switch (outcome) {
    case 'SATISFIED':
      return { satisfied: true, score, comment };
    case 'UNSATISFIED':
      return { satisfied: false, score, comment };
    default: {
      const unknown: never = outcome;
      throw new Error(`unknown feedback outcome ${String(unknown)}`);
    }
  }
}
