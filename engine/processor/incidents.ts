import { FailedPreconditionError, NotFoundError } from '../errors';
import type { ElementInstance, Incident, IncidentErrorType } from '../state/types';
import type { ProcessingContext } from './context';

export function raiseIncident(
  ctx: ProcessingContext,
  instance: ElementInstance,
  errorType: IncidentErrorType,
  errorMessage: string,
  jobKey?: number,
): void {
  const incident: Incident = {
    key: ctx.nextKey(),
    errorType,
    errorMessage,
    processInstanceKey: instance.processInstanceKey,
    processDefinitionKey: instance.processDefinitionKey,
    bpmnProcessId: instance.bpmnProcessId,
    elementId: instance.elementId,
    elementInstanceKey: instance.key,
    ...(jobKey !== undefined ? { jobKey } : {}),
    createdAt: ctx.now,
  };
  ctx.state.incidents.set(incident.key, incident);
  ctx.changes.incidents.put(incident.key, incident);
  instance.incidentKey = incident.key;
  ctx.saveElementInstance(instance);
  ctx.append('INCIDENT', 'CREATED', incident.key, incidentValue(incident), incident.processInstanceKey, incident.elementId);
  ctx.observer.incidentCreated(errorType);
}

/** Removes an incident whose element goes away (termination) or is being retried. */
export function clearIncident(ctx: ProcessingContext, incident: Incident): void {
  ctx.state.incidents.delete(incident.key);
  ctx.changes.incidents.remove(incident.key);
  ctx.append('INCIDENT', 'RESOLVED', incident.key, incidentValue(incident), incident.processInstanceKey, incident.elementId);
  ctx.observer.incidentResolved(incident.errorType);
  const instance = ctx.state.elementInstances.get(incident.elementInstanceKey);
  if (instance && instance.incidentKey === incident.key) {
    delete instance.incidentKey;
    ctx.saveElementInstance(instance);
  }
}

/** Validates a ResolveIncident command before anything changes; returns the incident. */
export function incidentToResolve(ctx: ProcessingContext, incidentKey: number): Incident {
  const incident = ctx.state.incidents.get(incidentKey);
  if (!incident) {
    throw new NotFoundError(`Expected to resolve incident with key '${incidentKey}', but no such incident was found`);
  }
  if (incident.jobKey !== undefined && (incident.errorType === 'JOB_NO_RETRIES' || incident.errorType === 'TASK_LISTENER_NO_RETRIES')) {
    const job = ctx.state.jobs.get(incident.jobKey);
    if (job && job.retries <= 0) {
      throw new FailedPreconditionError(
        `Expected to resolve incident with key '${incidentKey}', but job '${job.key}' has no retries left; update the job's retries first`,
      );
    }
  }
  return incident;
}

export function incidentValue(incident: Incident): Record<string, unknown> {
  return {
    errorType: incident.errorType,
    errorMessage: incident.errorMessage,
    bpmnProcessId: incident.bpmnProcessId,
    processDefinitionKey: incident.processDefinitionKey,
    processInstanceKey: incident.processInstanceKey,
    elementId: incident.elementId,
    elementInstanceKey: incident.elementInstanceKey,
    jobKey: incident.jobKey ?? -1,
  };
}
