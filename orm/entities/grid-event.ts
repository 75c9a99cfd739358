import { defineEntity, p } from '@mikro-orm/core';
import { Grid } from './grid';
import { Person } from './person';
import { ASSIGNMENT_LEVELS, EVENT_SOURCES, EVENT_STATUSES, SEVERITIES } from './vocabulary';

const GridEventSchema = defineEntity({
  name: 'GridEvent',
  tableName: 'grid_event',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    source: p.enum(EVENT_SOURCES).columnType('text'),
    category: p.text(),
    description: p.text(),
    severity: p.enum(SEVERITIES).columnType('text'),
    lon: p.double(),
    lat: p.double(),
    address: p.text().nullable(),
    /** None for reports from intake systems that do not name a registered person. */
    reporter: () => p.manyToOne(Person).nullable().fieldName('reporter_id'),
    /** None only while the report is not yet placed (or was rejected for lying outside every grid). */
    grid: () => p.manyToOne(Grid).nullable().fieldName('grid_code'),
    status: p.enum(EVENT_STATUSES).columnType('text'),
    escalated: p.boolean().default(false),
    slaDueAt: p.datetime().nullable(),
    /** Who handles it now (assign-event): GRID, DEPARTMENT or JOINT, and the departments, lead first. */
    level: p.enum(ASSIGNMENT_LEVELS).columnType('text').nullable(),
    departments: p.array().columnType('text[]').default([]),
    /** First accepted (collect-event); the acceptance rate counts these. */
    acceptedAt: p.datetime().nullable(),
    /** First SLA breach (escalate-event). */
    breachedAt: p.datetime().nullable(),
    /** Last closed (close-event); cleared when reopened. Handling time runs from reportedAt to here. */
    closedAt: p.datetime().nullable(),
    /** Zeebe keys are int64; strings, as Zeebe clients hand them out. */
    processInstanceKey: p.bigint('string').nullable().unique(),
    /** Set when this report was merged into an open event (status MERGED). */
    duplicateOf: () => p.manyToOne(GridEvent).nullable().fieldName('duplicate_of_id'),
    /** When the reporter was detached and the free text and attachments removed (retention or the reporter's erasure request). */
    personalDataRemovedAt: p.datetime().nullable(),
    reportedAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

/**
 * One reported event and where it stands. Every status change is a GridEventTransition
 * naming its event; the event does not list them (one-way, so the two do not import each other).
 */
export class GridEvent extends GridEventSchema.class {}
GridEventSchema.setClass(GridEvent);
