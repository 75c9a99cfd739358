import type { Queryable } from '../db/queryable';
import { FINAL_EVENT_STATUSES } from '../orm/entities/vocabulary';

const FINAL = FINAL_EVENT_STATUSES.map((status) => `'${status}'`).join(', ');

/**
 * Finished, as personal data goes: a final status (closed, merged, rejected),
 * and for a merged report, its surviving event final too (its reporter
 * follows that event until then). Nothing of an event that is not finished
 * is ever touched.
 */
export const FINISHED = `e.status in (${FINAL})
  and (e.duplicate_of_id is null or exists (select 1 from public.grid_event s where s.id = e.duplicate_of_id and s.status in (${FINAL})))`;

/** Stored contents whose attachment rows went; the caller removes those no row refers to any more, after commit. */
export interface RemovedContent {
  readonly sha256: string;
  readonly storageKey: string;
}

/**
 * Pseudonymises finished events in the caller's transaction (their rows
 * locked by it): the reporter is detached, the free text reporters write
 * names, phone numbers and home addresses into (description, address) is
 * emptied, citizens are detached from the timeline and the feedback, whose
 * comments go, and the attachments go. What statistics need stays:
 * category, place (lon/lat, the place of the problem), grid, times, status,
 * departments, satisfaction.
 */
export async function pseudonymiseEvents(tx: Queryable, eventIds: readonly string[]): Promise<RemovedContent[]> {
  if (eventIds.length === 0) return [];
  // A comma-separated list rather than an array parameter: the same statement runs on pg and through the ORM's connection.
  const ids = [idList(eventIds)];
  await tx.query(
    `update public.grid_event set reporter_id = null, description = '', address = null, personal_data_removed_at = now()
      where id = any(string_to_array($1, ',')::bigint[])`,
    ids,
  );
  await tx.query(
    `update public.grid_event_transition t set actor_id = null
       from public.person p where t.event_id = any(string_to_array($1, ',')::bigint[]) and p.id = t.actor_id and p.role = 'citizen'`,
    ids,
  );
  await tx.query(`update public.feedback set citizen_id = null, comment = null where event_id = any(string_to_array($1, ',')::bigint[])`, ids);
  return removeAttachments(tx, eventIds);
}

/** Deletes the events' attachment rows; their files go after commit (removeUnreferenced). */
export async function removeAttachments(tx: Queryable, eventIds: readonly string[]): Promise<Array<RemovedContent & { readonly eventId: string }>> {
  if (eventIds.length === 0) return [];
  const { rows } = await tx.query<{ event_id: string; sha256: string; storage_key: string }>(
    "delete from public.attachment where event_id = any(string_to_array($1, ',')::bigint[]) returning event_id::text, sha256, storage_key",
    [idList(eventIds)],
  );
  return rows.map((row) => ({ eventId: row.event_id, sha256: row.sha256, storageKey: row.storage_key }));
}

export function idList(ids: readonly string[]): string {
  return ids.join(',');
}
