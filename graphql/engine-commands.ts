import { status } from '@grpc/grpc-js';
import { BadUserInputError, ConflictError, EntityNotFoundError } from '../errors/app-error';
import { grpcCode } from '../tasks/grpc-status';
import type { ApiContext } from './context';
import { findIncident } from './sql/incident-page';

/** Retries a manager may hand back at once; a job with more is a misconfiguration, not a fix. */
export const MAX_RETRIES = 100;

/**
 * RetryIncident as Operate does it, through the Zeebe gateway so that it works
 * against the embedded engine and a Camunda 8 cluster alike: the job (if the
 * incident has one) gets `retries` again, then the incident is resolved. The
 * job key comes from the engine's tables when they are here; against a
 * cluster only the caller can name it (Operate shows it).
 */
export async function retryIncident(context: ApiContext, incidentKey: string, retries: number, givenJobKey: string | null): Promise<void> {
  if (!Number.isInteger(retries) || retries < 1 || retries > MAX_RETRIES) {
    throw new BadUserInputError('retries', `retries must be an integer from 1 to ${MAX_RETRIES}, got ${retries}`);
  }
  let jobKey = givenJobKey;
  if (context.services.embeddedEngine) {
    const incident = await findIncident(context.db, incidentKey);
    if (incident === null) throw new EntityNotFoundError('incident', incidentKey);
    jobKey = incident.job_key ?? givenJobKey;
  }
  const zeebe = context.services.zeebe;
  if (jobKey !== null) {
    await gateway(() => zeebe.updateJobRetries({ jobKey: jobKey, retries }), () => new EntityNotFoundError('job', jobKey));
  }
  await gateway(() => zeebe.resolveIncident({ incidentKey }), () => new EntityNotFoundError('incident', incidentKey));
}

export async function cancelProcessInstance(context: ApiContext, processInstanceKey: string): Promise<void> {
  await gateway(() => context.services.zeebe.cancelProcessInstance(processInstanceKey), () => new EntityNotFoundError('process instance', processInstanceKey));
}

/** A gateway call with Zeebe's refusals as the domain's errors; anything else (the gateway down) stays unexpected. */
async function gateway(call: () => Promise<void>, notFound: () => EntityNotFoundError): Promise<void> {
  try {
    await call();
  } catch (error) {
    switch (grpcCode(error)) {
      case status.NOT_FOUND:
        throw notFound();
      case status.FAILED_PRECONDITION:
        throw new ConflictError(`the engine refused: ${(error as { details?: string }).details ?? String(error)}`, { cause: error });
      default:
        throw error;
    }
  }
}
