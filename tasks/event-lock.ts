import type { PoolClient } from 'pg';
import { lockEventStatus, recordStatus } from './sql/record-status';
import type { TimelineEntry } from './timeline-entry';

/**
 * Locks the task's event before the task row: the workers lock an event and
 * then update its tasks (escalate-event), so the same order here cannot
 * deadlock with them. `record` appends the person's entry to the timeline,
 * with its status (or the event's own, for an entry that changes none); the
 * actor is null when a client completed or claimed without naming a person.
 */
export async function lockEvent(client: PoolClient, eventId: string | null) {
  if (eventId === null) return undefined;
  const from = await lockEventStatus(client, eventId);
  if (from === undefined) return undefined;
  return {
    async record(entry: TimelineEntry, actor: string | null): Promise<void> {
      await recordStatus(client, eventId, from, entry.to ?? from, actor, entry.note);
    },
  };
}
