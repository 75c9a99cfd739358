import { Department, GridEvent } from '../orm/entities';
import { DepartmentError, jobOutcomeOf } from './departments/errors';
import { complete, InvalidJobError, type JobAnswer, type JobInput } from './job';
import type { WorkerServices } from './services';
import { eventIdOf, stringOf } from './variables';

/** retries="5" on both notify-department tasks of grid-event.bpmn. */
const MODEL_RETRIES = 5;
const DEFAULT_RETRY_BACKOFF_MS = 10_000;
const MAX_RETRY_BACKOFF_MS = 10 * 60_000;

/**
 * The idempotency step of one notification: the element instance is the same
 * for every retry of the job, and new whenever the process reaches the task
 * again (re-routing, reopening, a failed verification), when the department
 * is rightly told again. In a joint handling each part is its own instance.
 */
export function notifyStep(job: Pick<JobInput, 'elementInstanceKey'>): string {
  return `notify-department-${job.elementInstanceKey}`;
}

/**
 * notify-department: tells the department's own system about the event.
 * "Not ours" becomes the BPMN error NOT_OURS (a return); a department that
 * is unavailable after the client's own attempts fails the job with one retry
 * fewer and a growing back-off, so one that stays down ends in an incident;
 * a department without a system is only served through its queue.
 */
export async function notifyDepartment(job: JobInput, services: WorkerServices): Promise<JobAnswer> {
  const eventId = eventIdOf(job.variables);
  const code = stringOf(job.variables, 'department');
  const em = services.em.fork();
  const department = await em.findOne(Department, code);
  if (department === null) throw new InvalidJobError(`department: no department ${JSON.stringify(code)}`);
  if (!department.apiEndpoint) return complete();
  const event = await em.findOne(GridEvent, eventId);
  if (event === null) throw new InvalidJobError(`no grid event ${eventId}`);

  try {
    await services.departments.call(
      {
        department: code,
        endpoint: department.apiEndpoint,
        eventId,
        step: notifyStep(job),
        body: {
          eventId: String(eventId),
          category: event.category,
          severity: event.severity,
          description: event.description,
          location: { lon: event.lon, lat: event.lat },
          address: event.address ?? null,
          gridCode: event.grid?.code ?? null,
          reportedAt: event.reportedAt.toISOString(),
          slaDueAt: event.slaDueAt?.toISOString() ?? null,
        },
        authorization: department.credentialsRef ? services.credentials(department.credentialsRef) : undefined,
      },
      services.signal,
    );
  } catch (error) {
    if (!(error instanceof DepartmentError)) throw error;
    const outcome = jobOutcomeOf(error);
    switch (outcome.kind) {
      case 'throw-bpmn-error':
        return { kind: 'bpmn-error', errorCode: outcome.errorCode, message: outcome.message };
      case 'fail-and-retry':
        return { kind: 'fail', message: outcome.message, retries: Math.max(0, job.retries - 1), backoffMs: retryBackoff(job.retries, services.config.notifyRetryBackoffMs) };
      case 'retry-later':
        return { kind: 'fail', message: outcome.message, retries: job.retries, backoffMs: services.config.notifyRetryBackoffMs ?? DEFAULT_RETRY_BACKOFF_MS };
      case 'fail-without-retry':
        return { kind: 'fail', message: outcome.message, retries: 0, backoffMs: 0 };
      default: {
        const unknown: never = outcome;
        throw new Error(`unhandled job outcome ${JSON.stringify(unknown)}`, { cause: error });
      }
    }
  }
  return complete();
}

/** Doubles with every failure of the job so far (the model gives it 5 retries). */
export function retryBackoff(retriesLeft: number, baseMs: number = DEFAULT_RETRY_BACKOFF_MS): number {
  const failures = Math.max(0, MODEL_RETRIES - retriesLeft);
  return Math.min(MAX_RETRY_BACKOFF_MS, baseMs * 2 ** failures);
}
