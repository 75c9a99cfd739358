import type { Pool, PoolClient } from 'pg';
import { transaction } from '../db/transaction';
import type { Queryable } from '../db/queryable';
import type { Logger } from '../config/logger';
import { deleteExpiredNotifications } from '../notifications/sql/delete-expired';
import { FINISHED, pseudonymiseEvents, removeAttachments, type RemovedContent } from './remove-personal-data';

export interface RetentionSettings {
  /** Days after an event finished that its reporter's link, free text and feedback comments are kept. */
  readonly personalDataRetentionDays: number;
  /** Days after an event finished that its photos, voice messages and videos are kept. */
  readonly attachmentRetentionDays: number;
  /** Days a notification stays in its person's inbox; 0 or absent keeps them for ever. */
  readonly notificationRetentionDays?: number;
  /** Events (and notifications) handled per transaction. */
  readonly batchSize?: number;
}

/** What the job removes attachment files from. */
export interface ContentRemover {
  remove(storageKey: string): Promise<void>;
}

export interface RetentionResult {
  readonly eventsPseudonymised: number;
  readonly eventsStrippedOfAttachments: number;
  readonly erasuresCompleted: number;
  readonly filesRemoved: number;
  readonly notificationsDeleted: number;
}

const DEFAULT_BATCH = 200;

/** When an event finished: closed_at, or for merged and rejected reports (never closed) their last change. */
const FINISHED_AT = 'coalesce(e.closed_at, e.updated_at)';

/**
 * One run of the retention job: personal data of events finished longer ago
 * than the setting is pseudonymised, attachments of events finished longer
 * ago than theirs deleted, and pending erasure requests carried out as far
 * as their events have finished (citizen-data.ts). Each batch is one
 * transaction over rows it locks with `for update skip locked`: several
 * processes may run it at once, each takes rows the others do not hold,
 * and none waits for another. Unfinished events are never selected.
 */
export async function runRetention(pool: Pool, store: ContentRemover, settings: RetentionSettings, logger: Logger): Promise<RetentionResult> {
  const limit = settings.batchSize ?? DEFAULT_BATCH;
  const removed: RemovedContent[] = [];
  let eventsPseudonymised = 0;
  let eventsStrippedOfAttachments = 0;

  for (;;) {
    const batch = await transaction(pool, async (tx) => {
      const ids = await lockFinished(tx, `e.personal_data_removed_at is null and ${FINISHED_AT} < now() - make_interval(days => $1)`, [settings.personalDataRetentionDays], limit);
      removed.push(...(await pseudonymiseEvents(tx, ids)));
      return ids.length;
    });
    eventsPseudonymised += batch;
    if (batch < limit) break;
  }
  for (;;) {
    const batch = await transaction(pool, async (tx) => {
      const ids = await lockFinished(
        tx,
        `${FINISHED_AT} < now() - make_interval(days => $1) and exists (select 1 from public.attachment a where a.event_id = e.id)`,
        [settings.attachmentRetentionDays],
        limit,
      );
      const contents = await removeAttachments(tx, ids);
      removed.push(...contents);
      // A row locked after another run released it was matched on this statement's older snapshot: count what was removed, not what was locked.
      return { locked: ids.length, stripped: new Set(contents.map((content) => content.eventId)).size };
    });
    eventsStrippedOfAttachments += batch.stripped;
    if (batch.locked < limit) break;
  }
  const { erasuresCompleted, contents } = await completeErasures(pool, limit);
  removed.push(...contents);
  const filesRemoved = await removeUnreferenced(pool, store, removed, logger);
  const notificationsDeleted = await deleteNotifications(pool, settings.notificationRetentionDays ?? 0, limit);
  return { eventsPseudonymised, eventsStrippedOfAttachments, erasuresCompleted, filesRemoved, notificationsDeleted };
}

/**
 * Inboxes are not the city's record (an event's timeline is): an SLA warning
 * reaches every handler of a queue, so without a limit they outgrow the
 * events they are about.
 */
async function deleteNotifications(pool: Pool, days: number, limit: number): Promise<number> {
  if (days === 0) return 0;
  let deleted = 0;
  for (;;) {
    const batch = await deleteExpiredNotifications(pool, days, limit);
    deleted += batch;
    if (batch < limit) return deleted;
  }
}

/** Ids of finished events matching `condition` (on `e`; its parameters from $1), locked; rows another run holds are skipped. */
async function lockFinished(tx: PoolClient, condition: string, params: readonly unknown[], limit: number): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    `select e.id::text from public.grid_event e where ${FINISHED} and ${condition}
      order by e.id limit $${params.length + 1} for update of e skip locked`,
    [...params, limit],
  );
  return rows.map((row) => row.id);
}

/**
 * Erasure requests still pending: each citizen's finished events are
 * pseudonymised now, whatever their age; once none of their events is left
 * unfinished, their own row is too (name and phone gone, code replaced), and
 * the request is done.
 */
async function completeErasures(pool: Pool, limit: number): Promise<{ erasuresCompleted: number; contents: RemovedContent[] }> {
  const contents: RemovedContent[] = [];
  let erasuresCompleted = 0;
  for (;;) {
    const { taken, completed } = await transaction(pool, async (tx) => {
      const { rows } = await tx.query<{ person_id: string }>(
        `select person_id::text from public.personal_data_erasure where completed_at is null order by person_id limit $1 for update skip locked`,
        [limit],
      );
      let done = 0;
      for (const { person_id: personId } of rows) {
        const result = await erasePerson(tx, personId);
        contents.push(...result.contents);
        if (result.completed) done += 1;
      }
      return { taken: rows.length, completed: done };
    });
    erasuresCompleted += completed;
    if (taken < limit) break;
  }
  return { erasuresCompleted, contents };
}

/** Carries out one citizen's erasure as far as their events allow, in the caller's transaction. */
export async function erasePerson(tx: Queryable, personId: string): Promise<{ completed: boolean; pending: string[]; erased: string[]; contents: RemovedContent[] }> {
  const { rows: finished } = await tx.query<{ id: string }>(
    `select e.id::text from public.grid_event e
      where e.reporter_id = $1 and e.personal_data_removed_at is null and ${FINISHED}
      order by e.id for update of e`,
    [personId],
  );
  const erased = finished.map((row) => row.id);
  const contents = await pseudonymiseEvents(tx, erased);
  // Their feedback on events others reported (their own report merged into them) and their own steps on finished events.
  await tx.query(
    `update public.feedback f set citizen_id = null, comment = null from public.grid_event e
      where f.citizen_id = $1 and e.id = f.event_id and ${FINISHED}`,
    [personId],
  );
  await tx.query(
    `update public.grid_event_transition t set actor_id = null from public.grid_event e
      where t.actor_id = $1 and e.id = t.event_id and ${FINISHED}`,
    [personId],
  );
  const { rows: open } = await tx.query<{ id: string }>(
    `select e.id::text from public.grid_event e where e.reporter_id = $1 and not (${FINISHED}) order by e.id`,
    [personId],
  );
  const pending = open.map((row) => row.id);
  if (pending.length > 0) return { completed: false, pending, erased, contents };
  await tx.query(`update public.person set name = '已注销', phone = null, code = 'erased-' || id where id = $1 and role = 'citizen'`, [personId]);
  await tx.query(`update public.personal_data_erasure set completed_at = now() where person_id = $1`, [personId]);
  return { completed: true, pending, erased, contents };
}

/**
 * Removes the files of deleted attachment rows that no row refers to any
 * more (the store keeps equal contents once, so another report may share one).
 */
export async function removeUnreferenced(pool: Queryable, store: ContentRemover, removed: readonly RemovedContent[], logger: Logger): Promise<number> {
  if (removed.length === 0) return 0;
  const unique = new Map(removed.map((content) => [content.sha256, content.storageKey]));
  const { rows } = await pool.query<{ sha256: string }>("select distinct sha256 from public.attachment where sha256 = any(string_to_array($1, ','))", [[...unique.keys()].join(',')]);
  for (const { sha256 } of rows) unique.delete(sha256);
  let count = 0;
  for (const storageKey of unique.values()) {
    try {
      await store.remove(storageKey);
      count += 1;
    } catch (error) {
      // The row is gone and no later run knows of the file: an operator must, from the log.
      logger.warn({ err: error, storageKey }, 'could not remove an attachment file past its retention');
    }
  }
  return count;
}

/** Runs the job every `retentionIntervalMs`, and once soon after start; one run at a time in this process. */
export function startRetention(pool: Pool, store: ContentRemover, settings: RetentionSettings & { readonly retentionIntervalMs: number }, logger: Logger): { stop(): Promise<void> } {
  const log = logger.child({ component: 'retention' });
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = runRetention(pool, store, settings, log)
      .then((result) => {
        if (result.eventsPseudonymised + result.eventsStrippedOfAttachments + result.erasuresCompleted + result.notificationsDeleted > 0) log.info(result, 'data past retention removed');
      })
      .catch((error: unknown) => log.error({ err: error }, 'retention run failed; the next run tries again'))
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(tick, Math.min(settings.retentionIntervalMs, 60_000));
  const timer = setInterval(tick, settings.retentionIntervalMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
