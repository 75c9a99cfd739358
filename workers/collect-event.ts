import { ormQueryable } from '../db/orm-queryable';
import { isCategoryHandled } from '../intake/sql/is-category-handled';
import { Grid, GridEvent, GridEventTransition, type EventStatus } from '../orm/entities';
import { complete, InvalidJobError, type JobAnswer, type JobInput } from './job';
import { findNearDuplicate } from './near-duplicate';
import type { WorkerServices } from './services';
import { lockCollect } from './sql/lock-collect';
import { lockEvent, recordTransition } from './timeline';
import { eventIdOf } from './variables';

export const COLLECT_OUTCOMES = ['ACCEPTED', 'MERGED', 'REJECTED'] as const;
export type CollectOutcome = (typeof COLLECT_OUTCOMES)[number];

/**
 * collect-event: checks the report against the city, places it in its grid,
 * and merges it into an open near-duplicate. The outcome, the status and its
 * timeline entry commit together; a redelivered job reads the outcome back
 * from the status instead of collecting twice.
 */
export async function collectEvent(job: JobInput, services: WorkerServices): Promise<JobAnswer> {
  const eventId = eventIdOf(job.variables);
  const { em, grids, config, logger } = services;

  const result = await em.fork().transactional(async (tx): Promise<Collected> => {
    const event = await lockEvent(tx, eventId);
    // The intake may start a second instance for one event (its start is at least once): the first to collect owns it.
    event.processInstanceKey ??= job.processInstanceKey;
    if (event.processInstanceKey !== job.processInstanceKey) return { outcome: 'DUPLICATE_START', owner: event.processInstanceKey };
    if (event.status !== 'REPORTED') {
      const previous = outcomeOfStatus(event.status);
      if (previous === 'MERGED') return { outcome: 'MERGED' };
      if (previous === 'REJECTED') return { outcome: 'REJECTED' };
      return { outcome: 'ACCEPTED', gridCode: event.grid?.code };
    }

    // The route decision reads the instance's variables: they must describe this event.
    for (const name of ['category', 'severity', 'source'] as const) {
      const given = job.variables[name];
      if (given !== undefined && given !== event[name]) {
        throw new InvalidJobError(`${name}: the instance says ${JSON.stringify(given)}, event ${eventId} is ${JSON.stringify(event[name])}`);
      }
    }
    if (!(await isCategoryHandled(ormQueryable(tx), event.category))) {
      recordTransition(tx, event, 'REJECTED', `rejected: no department handles category ${event.category}`);
      return { outcome: 'REJECTED' };
    }
    const gridCode = grids.findGrid(Number(event.lon), Number(event.lat));
    if (gridCode === undefined) {
      event.grid = null;
      recordTransition(tx, event, 'REJECTED', `rejected: (${event.lon}, ${event.lat}) lies outside every grid`);
      return { outcome: 'REJECTED' };
    }
    // The index is the authority: the intake's placement may predate a re-survey of the grids.
    const grid = await tx.findOneOrFail(Grid, gridCode);
    event.grid = grid;
    // Reports from cameras and hotlines often come without an address; handlers need a place they can read.
    event.address ??= `${grid.districtName}, ${grid.streetName}, ${grid.communityName} (${grid.name})`;

    // One collect per category at a time, so two reports of one spot cannot both miss each other's commit.
    await lockCollect(ormQueryable(tx), event.category);
    const duplicate = await findNearDuplicate(tx, event, { radiusMeters: config.duplicateRadiusMeters, windowHours: config.duplicateWindowHours });
    if (duplicate !== undefined) {
      const open = await tx.findOneOrFail(GridEvent, duplicate.id);
      event.duplicateOf = open;
      recordTransition(tx, event, 'MERGED', `merged into event ${duplicate.id}, ${Math.round(duplicate.meters)} m away`);
      tx.create(GridEventTransition, { event: open, fromStatus: open.status, toStatus: open.status, escalated: open.escalated, note: `report ${event.id} merged into this event` });
      return { outcome: 'MERGED' };
    }
    recordTransition(tx, event, 'ACCEPTED', `accepted in grid ${gridCode}`);
    return { outcome: 'ACCEPTED', gridCode };
  });

  switch (result.outcome) {
    case 'DUPLICATE_START':
      logger.warn({ eventId, processInstanceKey: job.processInstanceKey, owner: result.owner }, 'a second instance of one event ends at collect');
      return complete({ collectOutcome: 'REJECTED' });
    case 'REJECTED':
      return complete({ collectOutcome: 'REJECTED' });
    case 'MERGED':
      return complete({ collectOutcome: 'MERGED' });
    case 'ACCEPTED':
      if (result.gridCode === undefined) throw new InvalidJobError(`event ${eventId} is accepted but has no grid`);
      return complete({ collectOutcome: 'ACCEPTED', gridCode: result.gridCode, feedbackTimeout: config.feedbackTimeout, slaSecondsPerHour: config.slaSecondsPerHour });
    default: {
      const unknown: never = result;
      throw new Error(`unhandled collect result ${JSON.stringify(unknown)}`);
    }
  }
}

type Collected =
  | { readonly outcome: 'DUPLICATE_START'; readonly owner: string }
  | { readonly outcome: 'REJECTED' }
  | { readonly outcome: 'MERGED' }
  | { readonly outcome: 'ACCEPTED'; readonly gridCode?: string | undefined };

/** The outcome an earlier delivery of this job reached, read back from the status it left. */
function outcomeOfStatus(status: EventStatus): CollectOutcome {
  switch (status) {
    case 'MERGED':
      return 'MERGED';
    case 'REJECTED':
      return 'REJECTED';
    case 'REPORTED':
    case 'ACCEPTED':
    case 'ROUTED':
    case 'IN_PROGRESS':
    case 'RESOLVED':
    case 'CLOSED':
    case 'REOPENED':
      return 'ACCEPTED';
    default: {
      const unknown: never = status;
      throw new Error(`unknown status ${String(unknown)}`);
    }
  }
}
