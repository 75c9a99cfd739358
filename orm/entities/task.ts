import { defineEntity, p } from '@mikro-orm/core';
import { GridEvent } from './grid-event';
import { TASK_STATES } from './vocabulary';

const TaskSchema = defineEntity({
  name: 'Task',
  tableName: 'task',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    /** The Camunda user task (zeebe:userTask) behind the task; null for a job-based one. */
    userTaskKey: p.bigint('string').unique().nullable(),
    /** The `io.camunda.zeebe:userTask` job behind a job-based user task (the process's older version); null for a Camunda user task. */
    jobKey: p.bigint('string').unique().nullable(),
    processInstanceKey: p.bigint('string'),
    /** The BPMN element (user task) id, and the key of its instance. */
    elementId: p.text(),
    elementInstanceKey: p.bigint('string'),
    name: p.text(),
    event: () => p.manyToOne(GridEvent).nullable().fieldName('event_id'),
    /** Department codes (clerks' queues) or other group names whose members may claim it. */
    candidateGroups: p.array().columnType('text[]').default([]),
    /** Person codes that may claim it. */
    candidateUsers: p.array().columnType('text[]').default([]),
    /** Person code of whoever claimed it. */
    assignee: p.text().nullable(),
    dueAt: p.datetime().nullable(),
    followUpAt: p.datetime().nullable(),
    /** 0..100, higher first, as in Camunda. */
    priority: p.integer().default(50),
    formKey: p.text().nullable(),
    state: p.enum(TASK_STATES).columnType('text'),
    /** How it was completed (e.g. done, returned), as the completing form said. */
    outcome: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    completedAt: p.datetime().nullable(),
  },
});

/** A user task waiting in a queue, claimed, or done. */
export class Task extends TaskSchema.class {}
TaskSchema.setClass(Task);
