import { complete, type JobAnswer, type JobInput } from './job';
import type { WorkerServices } from './services';
import { recordOnce, recordTransition } from './timeline';
import { eventIdOf } from './variables';

/**
 * close-event: the fix is verified on site; the event is CLOSED. Its
 * reporter, and every citizen whose report was merged into it, are told and
 * asked for feedback by the notification outbox, in this transaction.
 */
export async function closeEvent(job: JobInput, services: WorkerServices): Promise<JobAnswer> {
  const eventId = eventIdOf(job.variables);
  await recordOnce(services.em, eventId, job.key, (tx, event) => {
    recordTransition(tx, event, 'CLOSED', 'closed: fix verified on site', job.key);
  });
  return complete();
}
