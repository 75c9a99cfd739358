import { ormQueryable } from '../db/orm-queryable';
import { complete, type JobAnswer, type JobInput } from './job';
import type { WorkerServices } from './services';
import { findMergedReporterCodes, findReporterCode } from './sql/find-reporter-code';
import { recordOnce, recordTransition } from './timeline';
import { eventIdOf } from './variables';

/** close-event: the fix is verified on site; the event is CLOSED and its reporter told, and every citizen whose report was merged into it. */
export async function closeEvent(job: JobInput, services: WorkerServices): Promise<JobAnswer> {
  const eventId = eventIdOf(job.variables);
  let reporter: string | undefined;
  await recordOnce(services.em, eventId, job.key, async (tx, event) => {
    if (event.reporter) reporter = (await tx.populate(event, ['reporter'])).reporter?.code;
    recordTransition(tx, event, 'CLOSED', 'closed: fix verified on site', job.key);
  });
  // Also on a redelivery: the commit may have been followed by a crash before the reporter heard of it.
  if (reporter === undefined) reporter = await findReporterCode(ormQueryable(services.em.fork()), eventId);
  if (reporter !== undefined) {
    await services.notifier.notify({ kind: 'event-closed', eventId, to: reporter, text: `event ${eventId} is closed; tell us whether you are satisfied` });
  }
  // Citizens whose reports were merged into it follow it: told as the reporter is, once each.
  for (const merged of await findMergedReporterCodes(ormQueryable(services.em.fork()), eventId)) {
    if (merged === reporter) continue;
    await services.notifier.notify({ kind: 'event-closed', eventId, to: merged, text: `event ${eventId}, which your report was merged into, is closed; tell us whether you are satisfied` });
  }
  return complete();
}
