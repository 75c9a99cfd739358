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
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A citizen's satisfaction with how an event was handled (one per round: a reopened event gets another). */
export class Feedback extends FeedbackSchema.class {}
FeedbackSchema.setClass(Feedback);
