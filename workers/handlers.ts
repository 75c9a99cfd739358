import { assignEvent } from './assign-event';
import { closeEvent } from './close-event';
import { collectEvent } from './collect-event';
import { escalateEvent } from './escalate-event';
import type { JobAnswer, JobInput } from './job';
import { notifyDepartment } from './notify-department';
import { recordFeedback } from './record-feedback';
import { recordReturn } from './record-return';
import { reopenEvent } from './reopen-event';
import type { WorkerServices } from './services';
import { warnSla } from './warn-sla';

export type JobHandler = (job: JobInput, services: WorkerServices) => Promise<JobAnswer>;

/** Every job type of processes/README.md, "Job types and user tasks", and its handler. */
export const HANDLERS = {
  'collect-event': collectEvent,
  'assign-event': assignEvent,
  'notify-department': notifyDepartment,
  'warn-sla': warnSla,
  'escalate-event': escalateEvent,
  'record-return': recordReturn,
  'close-event': closeEvent,
  'record-feedback': recordFeedback,
  'reopen-event': reopenEvent,
} as const satisfies Record<string, JobHandler>;

export type JobType = keyof typeof HANDLERS;
export const JOB_TYPES = Object.keys(HANDLERS) as JobType[];
