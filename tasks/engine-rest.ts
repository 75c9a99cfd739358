import { createCamundaClient, type CamundaClient } from '@camunda8/orchestration-cluster-api';
import { nodeHttpFetch } from '../http/node-http-fetch';

/**
 * The task list's connection to the engine: Camunda's own REST (v2) client,
 * so the same calls work against the embedded engine's REST gateway and a
 * Camunda 8.8 cluster. Reads ask for no eventual-consistency wait: the
 * embedded engine answers from immediately consistent views, and the task
 * list's own rows are kept by the listeners, not by these reads.
 */
export type EngineRest = Pick<
  CamundaClient,
  | 'activateJobs'
  | 'completeJob'
  | 'failJob'
  | 'assignUserTask'
  | 'unassignUserTask'
  | 'completeUserTask'
  | 'updateUserTask'
  | 'getUserTask'
  | 'getUserTaskForm'
  | 'searchProcessInstances'
  | 'searchUserTasks'
  | 'searchProcessDefinitions'
  | 'getProcessDefinitionXml'
>;

export const NO_WAIT = { consistency: { waitUpToMs: 0 } } as const;

export interface EngineRestOptions {
  /** `http://host:port/v2`. */
  readonly address: string;
  /** A bearer token the REST gateway takes (the embedded gateway's own, when its authentication is on). */
  readonly token?: string;
}

export function connectEngineRest(options: EngineRestOptions): CamundaClient {
  const token = options.token;
  return createCamundaClient({
    config: {
      CAMUNDA_REST_ADDRESS: options.address,
      CAMUNDA_AUTH_STRATEGY: 'NONE',
      CAMUNDA_SDK_LOG_LEVEL: 'silent',
    },
    fetch: nodeHttpFetch(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }),
  });
}

/** What a refused REST call answered: its HTTP status and problem title (NOT_FOUND, INVALID_STATE …). */
export interface RestProblem {
  readonly status: number;
  readonly title: string | undefined;
  readonly detail: string | undefined;
}

export function restProblemOf(error: unknown): RestProblem | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, title, detail } = error as { status?: unknown; title?: unknown; detail?: unknown };
  if (typeof status !== 'number') return undefined;
  return { status, title: typeof title === 'string' ? title : undefined, detail: typeof detail === 'string' ? detail : undefined };
}

/** The engine no longer has the user task (completed, cancelled, or never existed). */
export const isGone = (error: unknown): boolean => restProblemOf(error)?.status === 404;

/** The task is not in a state for the command (already assigned, busy with another transition, denied by a listener). */
export const isInvalidState = (error: unknown): boolean => restProblemOf(error)?.status === 409;

/** Sets a user task's priority through the engine's update; a task the engine no longer has needs none. */
export function userTaskUpdater(rest: Pick<EngineRest, 'updateUserTask'>): { setPriority(userTaskKey: string, priority: number): Promise<void> } {
  return {
    async setPriority(userTaskKey, priority) {
      try {
        await rest.updateUserTask({ userTaskKey: userTaskKey as never, changeset: { priority }, action: 'escalate' });
      } catch (error) {
        if (!isGone(error)) throw error;
      }
    },
  };
}
