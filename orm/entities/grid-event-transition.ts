import { defineEntity, p } from '@mikro-orm/core';
import { GridEvent } from './grid-event';
import { Person } from './person';
import { EVENT_STATUSES } from './vocabulary';

const GridEventTransitionSchema = defineEntity({
  name: 'GridEventTransition',
  tableName: 'grid_event_transition',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    event: () => p.manyToOne(GridEvent).fieldName('event_id'),
    /** None for the first entry (the report itself). */
    fromStatus: p.enum(EVENT_STATUSES).columnType('text').nullable(),
    toStatus: p.enum(EVENT_STATUSES).columnType('text'),
    /** The escalated flag after this change, so an escalation is a timeline entry of its own. */
    escalated: p.boolean().default(false),
    actor: () => p.manyToOne(Person).nullable().fieldName('actor_id'),
    note: p.text().nullable(),
    /** The job that wrote this entry, so a redelivered job writes it once; never shown to citizens. */
    jobKey: p.bigint('string').nullable().fieldName('job_key'),
    at: p.datetime().onCreate(() => new Date()),
  },
});

/** One entry of an event's timeline: a status change (or an escalation), who made it, when. */
export class GridEventTransition extends GridEventTransitionSchema.class {}
GridEventTransitionSchema.setClass(GridEventTransition);
