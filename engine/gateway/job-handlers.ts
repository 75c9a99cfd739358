/**
 * Job methods: long-polling activation, pushed job streams, and the commands
 * a worker sends back about a job.
 */
import { status, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';

import type { ActivatedJob, ActivateJobsInput, EngineApi, JobStream, JobStreamInput } from '../api';
import { InvalidArgumentError, UnavailableError } from '../errors';
import { failStream, type OpenStreams, serverStream, unary } from './calls';
import { SupersededPolls } from './superseded-polls';
import { parseKey, parseLong, parseNames, parseVariables, requireDefaultTenant, toActivatedJob } from './convert';
import type {
  ActivatedJobMessage,
  ActivateJobsRequest,
  ActivateJobsResponse,
  CompleteJobRequest,
  Empty,
  FailJobRequest,
  StreamActivatedJobsRequest,
  ThrowErrorRequest,
  UpdateJobRetriesRequest,
  UpdateJobTimeoutRequest,
} from './messages';

function requireType(action: string, type: string): string {
  if (type.trim() === '') {
    throw new InvalidArgumentError(`Expected to ${action} with type to be present, but it was blank`);
  }
  return type;
}

function requirePositive(action: string, field: string, value: number): number {
  if (value < 1) {
    throw new InvalidArgumentError(`Expected to ${action} with ${field} to be greater than zero, but it was '${value}'`);
  }
  return value;
}

function toActivateInput(request: ActivateJobsRequest): ActivateJobsInput {
  requireDefaultTenant('ActivateJobs', request.tenantIds);
  const action = 'activate job batch';
  return {
    type: requireType(action, request.type),
    worker: request.worker,
    maxJobsToActivate: requirePositive(action, 'max jobs to activate', request.maxJobsToActivate),
    timeout: requirePositive(action, 'timeout', parseLong('timeout', request.timeout)),
    fetchVariable: parseNames(request.fetchVariable),
    requestTimeout: parseLong('requestTimeout', request.requestTimeout),
  };
}

function toStreamInput(request: StreamActivatedJobsRequest): JobStreamInput {
  requireDefaultTenant('StreamActivatedJobs', request.tenantIds);
  const action = 'stream activated jobs';
  return {
    type: requireType(action, request.type),
    worker: request.worker,
    timeout: requirePositive(action, 'timeout', parseLong('timeout', request.timeout)),
    fetchVariable: parseNames(request.fetchVariable),
  };
}

/**
 * Clients refuse messages above 4 MiB (grpc's default, Zeebe's too), so an
 * answer of many jobs with large variables goes out as several messages of
 * the stream, as Zeebe's gateway does. A single larger job still goes alone.
 */
const MAX_ANSWER_BYTES = 3 * 1024 * 1024;
const JOB_OVERHEAD_BYTES = 512;

function inMessages(jobs: readonly ActivatedJobMessage[]): ActivatedJobMessage[][] {
  const messages: ActivatedJobMessage[][] = [];
  let current: ActivatedJobMessage[] = [];
  let bytes = 0;
  for (const job of jobs) {
    const size = Buffer.byteLength(job.variables) + Buffer.byteLength(job.customHeaders) + JOB_OVERHEAD_BYTES;
    if (current.length > 0 && bytes + size > MAX_ANSWER_BYTES) {
      messages.push(current);
      current = [];
      bytes = 0;
    }
    current.push(job);
    bytes += size;
  }
  if (current.length > 0) messages.push(current);
  return messages;
}

function shuttingDown(): UnavailableError {
  return new UnavailableError('The gateway is shutting down; retry against a running gateway');
}

export function jobHandlers(engine: EngineApi, logger: Logger, streams: OpenStreams): UntypedServiceImplementation {
  /**
   * A job activated for a client that is gone would stay locked until its
   * timeout; yielding it hands it to the next worker at once, as Zeebe does.
   */
  function yieldBack(jobs: readonly ActivatedJob[]): void {
    if (jobs.length === 0) return;
    engine
      .yieldJobs(jobs.map((job) => job.key))
      .catch((error: unknown) => logger.warn({ err: error, jobKeys: jobs.map((job) => job.key) }, 'could not hand back undelivered jobs'));
  }

  const polls = new SupersededPolls();

  return {
    ActivateJobs: serverStream<ActivateJobsRequest, ActivateJobsResponse>('ActivateJobs', logger, async (call) => {
      const input = toActivateInput(call.request);
      if (streams.isClosing) throw shuttingDown();
      const abort = new AbortController();
      const onCancelled = (): void => abort.abort();
      call.on('cancelled', onCancelled);
      // A client can give up before the handler runs; the event has then already fired.
      if (call.cancelled) abort.abort();
      // On shutdown the long poll ends early and the client gets what it has so far: nothing.
      const unregister = streams.add(() => abort.abort());
      let superseded = false;
      const leave = polls.enter(call.getPeer(), input.type, input.worker, () => {
        superseded = true;
        abort.abort();
      });
      try {
        const jobs = await engine.activateJobs(input, abort.signal);
        if (call.cancelled || superseded) {
          yieldBack(jobs);
          if (!call.cancelled) call.end();
          return;
        }
        for (const batch of inMessages(jobs.map(toActivatedJob))) call.write({ jobs: batch });
        call.end();
      } finally {
        leave();
        unregister();
        call.off('cancelled', onCancelled);
      }
    }),

    StreamActivatedJobs: serverStream<StreamActivatedJobsRequest, ActivatedJobMessage>(
      'StreamActivatedJobs',
      logger,
      (call) => {
        const input = toStreamInput(call.request);
        if (streams.isClosing) throw shuttingDown();
        let stream: JobStream | undefined;
        let ended = false;
        const end = (): boolean => {
          if (ended) return false;
          ended = true;
          stream?.close();
          unregister();
          return true;
        };
        const unregister = streams.add(() => {
          if (end()) failStream(call, { code: status.UNAVAILABLE, details: shuttingDown().message });
        });
        call.on('cancelled', end);
        call.on('error', end);
        if (call.cancelled) {
          end();
          return;
        }
        try {
          stream = engine.streamJobs(input, (job) => {
            if (ended || call.cancelled) {
              yieldBack([job]);
              return;
            }
            call.write(toActivatedJob(job));
          });
        } catch (error) {
          end();
          throw error;
        }
        // Cancelled while the engine was registering the stream: nothing closed it yet.
        if (ended) stream.close();
      },
    ),

    CompleteJob: unary<CompleteJobRequest, Empty>('CompleteJob', logger, async (request) => {
      const jobKey = parseKey('jobKey', request.jobKey);
      await engine.completeJob(jobKey, parseVariables('variables', request.variables));
      return {};
    }),

    FailJob: unary<FailJobRequest, Empty>('FailJob', logger, async (request) => {
      const jobKey = parseKey('jobKey', request.jobKey);
      if (request.retries < 0) {
        throw new InvalidArgumentError(
          `Expected to fail job with key '${jobKey}' with zero or more retries, but the amount given was '${request.retries}'`,
        );
      }
      const retryBackOff = parseLong('retryBackOff', request.retryBackOff);
      if (retryBackOff < 0) {
        throw new InvalidArgumentError(
          `Expected to fail job with key '${jobKey}' with a retry back-off of zero or more, but it was '${retryBackOff}'`,
        );
      }
      const variables = parseVariables('variables', request.variables);
      await engine.failJob(jobKey, request.retries, request.errorMessage, retryBackOff, variables);
      return {};
    }),

    ThrowError: unary<ThrowErrorRequest, Empty>('ThrowError', logger, async (request) => {
      const jobKey = parseKey('jobKey', request.jobKey);
      const variables = parseVariables('variables', request.variables);
      await engine.throwError(jobKey, request.errorCode, request.errorMessage, variables);
      return {};
    }),

    UpdateJobRetries: unary<UpdateJobRetriesRequest, Empty>('UpdateJobRetries', logger, async (request) => {
      const jobKey = parseKey('jobKey', request.jobKey);
      if (request.retries < 1) {
        throw new InvalidArgumentError(
          `Expected to update retries for job with key '${jobKey}' with a positive amount of retries, but the amount given was '${request.retries}'`,
        );
      }
      await engine.updateJobRetries(jobKey, request.retries);
      return {};
    }),

    UpdateJobTimeout: unary<UpdateJobTimeoutRequest, Empty>('UpdateJobTimeout', logger, async (request) => {
      const jobKey = parseKey('jobKey', request.jobKey);
      const timeout = parseLong('timeout', request.timeout);
      if (timeout < 0) {
        throw new InvalidArgumentError(
          `Expected to update the timeout of job with key '${jobKey}' to zero or more milliseconds, but it was '${timeout}'`,
        );
      }
      await engine.updateJobTimeout(jobKey, timeout);
      return {};
    }),
  };
}
