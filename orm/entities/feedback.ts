import { defineEntity, p } from '@mikro-orm/core';
import { GridEvent } from './grid-event';
import { Person } from './person';

const FeedbackSchema = defineEntity({
  name: 'Feedback',
  tableName: 'feedback',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    event: () => p.manyToOne(GridEvent).fieldName('event_id'),
    citizen: () => p.manyToOne(Person).nullable().fieldName('citizen_id'),
    /** None records that the citizen did not answer in time. */
    satisfied: p.boolean().nullable(),
    score: p.smallint().nullable(),
    comment: p.text().nullable(),
    /** The citizen's own report, merged into this event; none for the reporter's rounds (the ones the process waits for). */
    mergedReport: () => p.manyToOne(GridEvent).nullable().fieldName('merged_report_id'),
    /** The closing a merged reporter's feedback answers (the event's closedAt then): one per merged report and closing. */
    closingAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/**
 * A citizen's satisfaction with how an event was handled: the reporter's, one
 * per round (a reopened event gets another), and each merged reporter's, one
 * per closing.
 */
export class Feedback extends FeedbackSchema.class {}
FeedbackSchema.setClass(Feedback);
