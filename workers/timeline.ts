import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { GridEvent, GridEventTransition, type EventStatus } from '../orm/entities';
import { InvalidJobError } from './job';

/*
 * The timeline entry a job makes keeps the job's key (in its own column, out
 * of the note people read): a redelivered job (its worker crashed after the
 * commit, before CompleteJob reached the engine) finds its entry and writes
 * nothing again. Zeebe keeps a job's key through time-outs and retries.
 */

/** The event, locked for this transaction: one job at a time changes an event. */
export async function lockEvent(tx: EntityManager, eventId: number): Promise<GridEvent> {
  const event = await tx.findOne(GridEvent, eventId, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (event === null) throw new InvalidJobError(`no grid event ${eventId}`);
  return event;
}

/** Whether this job already wrote its timeline entry. */
export async function alreadyRecorded(tx: EntityManager, event: GridEvent, jobKey: string): Promise<boolean> {
  const count = await tx.count(GridEventTransition, { event, jobKey });
  return count > 0;
}

/**
 * Appends a timeline entry and sets the event's status (the same status for
 * entries that change nothing but the record: a warning, feedback). Flushed
 * with the caller's transaction, so status and timeline never disagree.
 */
export function recordTransition(tx: EntityManager, event: GridEvent, toStatus: EventStatus, note: string, jobKey?: string): GridEventTransition {
  const fromStatus = event.status;
  event.status = toStatus;
  noteFacts(event, toStatus);
  return tx.create(GridEventTransition, {
    event,
    fromStatus,
    toStatus,
    escalated: event.escalated,
    note,
    jobKey: jobKey ?? null,
  });
}

/**
 * Runs `write` in a transaction holding the event's lock, unless this job's
 * entry is already in the timeline. `write` must record a transition with
 * the job's key. Resolves with whether it wrote.
 */
export async function recordOnce(
  em: EntityManager,
  eventId: number,
  jobKey: string,
  write: (tx: EntityManager, event: GridEvent) => Promise<void> | void,
): Promise<boolean> {
  return em.fork().transactional(async (tx) => {
    const event = await lockEvent(tx, eventId);
    if (await alreadyRecorded(tx, event, jobKey)) return false;
    await write(tx, event);
    return true;
  });
}

/** Keeps the event's KPI timestamps in step with its status. */
function noteFacts(event: GridEvent, toStatus: EventStatus): void {
  switch (toStatus) {
    case 'ACCEPTED':
      event.acceptedAt ??= new Date();
      return;
    case 'CLOSED':
      event.closedAt = new Date();
      return;
    case 'REOPENED':
      event.closedAt = null;
      return;
    case 'REPORTED':
    case 'ROUTED':
    case 'IN_PROGRESS':
    case 'RESOLVED':
    case 'MERGED':
    case 'REJECTED':
      return;
    default:
      toStatus satisfies never;
  }
}
