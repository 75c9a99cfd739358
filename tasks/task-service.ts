import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import type { Logger } from '../config/logger';
import { BadUserInputError, ConflictError, ForbiddenError, EntityNotFoundError } from '../errors/app-error';
import type { Viewer } from '../graphql/auth/viewer';
import type { ZeebeClient } from '../intake/zeebe-client';
import { isJobGone } from './grpc-status';
import { removeTask } from './lease-reconciler';
import { claimTask } from './sql/claim-task';
import { completeTask, completeUnclaimedTask } from './sql/complete-task';
import { findTask } from './sql/find-task';
import { unclaimTask } from './sql/unclaim-task';
import { isTaskId, type TaskView } from './task';
import { canAct, canSee, mayUnclaimOthers } from './task-access';
import { changeOf, publishChanges } from './task-changes';
import { checkCompletion, formIdOf, HANDLING_FORMS, type CompletionInput } from './task-forms';
import type { FormSchema } from './form-validation';
import { findLatestForms } from './sql/find-forms';
import { claimEntry, completionEntry } from './timeline-entry';
import { transaction } from '../db/transaction';
import { findDepartments } from './sql/find-departments';
import { isGone, isInvalidState, NO_WAIT, restProblemOf, type EngineRest } from './engine-rest';
import type { LinkedForms } from './task-forms-cache';
import { lockEvent } from './event-lock';
import { RETURN_ACTION } from './listener-worker';

/** User task states in which the engine is making a change and refuses another. */
const IN_TRANSITION: ReadonlySet<string> = new Set(['CREATING', 'ASSIGNING', 'UPDATING', 'COMPLETING', 'CANCELING']);
/** How long a request waits for the engine to end a transition: beyond the listener job's timeout, after which another task list finishes it. */
const TRANSITION_WAIT_MS = 15_000;
const TRANSITION_POLL_MS = 25;

export interface TaskServiceOptions {
  /** Completes the jobs of job-based user tasks (instances of the process's older version). */
  readonly zeebe: Pick<ZeebeClient, 'completeJob'>;
  /** Assigns, unassigns and completes Camunda user tasks (REST v2). */
  readonly rest: Pick<EngineRest, 'assignUserTask' | 'unassignUserTask' | 'completeUserTask' | 'getUserTask'>;
  readonly forms: LinkedForms;
  readonly pool: Pool;
  readonly logger: Logger;
}

/**
 * What people do with their tasks: claim, unclaim, complete, return. Every
 * change is published (task-changes.ts) in the transaction that makes it.
 * A Camunda user task's row is written by its listener, which completes its
 * job only after the row has committed: once the engine has answered a
 * request, the row shows it.
 * Who may do what: task-access.ts and README.md.
 */
export class TaskService {
  private readonly logger: Logger;

  constructor(private readonly options: TaskServiceOptions) {
    this.logger = options.logger.child({ component: 'task-service' });
  }

  /** A task the viewer may see. */
  async get(viewer: Viewer, taskId: string): Promise<TaskView> {
    return this.visible(viewer, taskId);
  }

  /**
   * Takes the task out of its queue for the viewer. Claiming a task one
   * already holds succeeds again; one someone else holds, or one no longer
   * open, is a conflict. A handling task puts its event IN_PROGRESS.
   */
  async claim(viewer: Viewer, taskId: string): Promise<TaskView> {
    const task = await this.actionable(viewer, taskId);
    if (task.assignee === viewer.personCode && task.state === 'CREATED') return task;
    this.assertOpen(task);
    if (task.userTaskKey !== null) return this.assign(viewer, task);
    const handling = task.eventId !== null && task.formKey !== null && HANDLING_FORMS.includes(task.formKey);
    const claimed = await transaction(this.options.pool, async (client) => {
      const event = handling ? await lockEvent(client, task.eventId) : undefined;
      const row = await claimTask(client, taskId, viewer.personCode);
      if (row === undefined) return undefined;
      await publishChanges(client, [changeOf('claimed', row)]);
      await event?.record(claimEntry(row.name), viewer.personCode);
      return row;
    });
    if (claimed) return claimed;
    // Lost a race: to oneself (a double click) is fine, to anyone else is not.
    const now = await this.visible(viewer, taskId);
    if (now.state === 'CREATED' && now.assignee === viewer.personCode) return now;
    this.assertOpen(now);
    throw new ConflictError(`task ${taskId} was claimed by someone else`);
  }

  /** Puts the task back in its queue: its assignee, or a manager over it, may. */
  async unclaim(viewer: Viewer, taskId: string): Promise<TaskView> {
    const task = await this.actionable(viewer, taskId);
    this.assertOpen(task);
    const assignee = task.assignee;
    if (assignee === null) return task;
    if (assignee !== viewer.personCode && !mayUnclaimOthers(viewer, task)) {
      throw new ForbiddenError(`task ${taskId} is claimed by someone else; only they or a manager may put it back`);
    }
    if (task.userTaskKey !== null) {
      const userTaskKey = task.userTaskKey;
      await this.engine(task, () => this.options.rest.unassignUserTask({ userTaskKey: userTaskKey as never }));
      return this.visible(viewer, taskId);
    }
    const released = await transaction(this.options.pool, async (client) => {
      const row = await unclaimTask(client, taskId, assignee);
      if (row) await publishChanges(client, [changeOf('unclaimed', row)]);
      return row;
    });
    if (released) return released;
    const now = await this.visible(viewer, taskId);
    this.assertOpen(now);
    if (now.assignee === null) return now;
    throw new ConflictError(`task ${taskId} changed hands meanwhile; try again`);
  }

  /**
   * Completes the viewer's claimed task with what its form asks for, and its
   * job in the engine. The row changes only if the engine took the
   * completion; a task the engine no longer has leaves the queues (conflict).
   */
  async complete(viewer: Viewer, taskId: string, input: CompletionInput = {}): Promise<TaskView> {
    return this.finish(viewer, taskId, input, false);
  }

  /**
   * Completes the task as `complete` does; `unclaimed` lets the viewer finish
   * an open task of their queue that nobody holds, without claiming it first
   * (so its event never shows IN_PROGRESS): the task becomes theirs as it
   * completes.
   */
  private async finish(viewer: Viewer, taskId: string, input: CompletionInput, unclaimed: boolean): Promise<TaskView> {
    const task = await this.actionable(viewer, taskId);
    this.assertOpen(task);
    if (task.assignee === null && !unclaimed) throw new ConflictError(`task ${taskId} is not claimed: claim it first`);
    if (task.assignee !== null && task.assignee !== viewer.personCode) throw new ForbiddenError(`task ${taskId} is claimed by someone else`);
    if (task.userTaskKey !== null) return this.completeUserTask(viewer, task, input);
    const completion = checkCompletion(task.formKey, await this.formOf(task.formKey), input);
    if (completion.departments.length > 0) await this.assertDepartments(completion.departments);
    let gone = false;
    const comment = input.comment?.trim();
    const entry = completionEntry(task.formKey, task.name, completion, comment === '' ? undefined : comment);
    try {
      return await transaction(this.options.pool, async (client) => {
        const event = entry ? await lockEvent(client, task.eventId) : undefined;
        const row =
          task.assignee === null
            ? await completeUnclaimedTask(client, taskId, viewer.personCode, completion.outcome)
            : await completeTask(client, taskId, viewer.personCode, completion.outcome);
        if (row === undefined) {
          const now = await findTask(client, taskId);
          if (now) this.assertOpen(now);
          throw new ConflictError(`task ${taskId} is no longer yours`);
        }
        await publishChanges(client, [changeOf('completed', row)]);
        if (entry) await event?.record(entry, viewer.personCode);
        try {
          // Last, inside the transaction: when the engine refuses, nothing above is committed.
          await this.options.zeebe.completeJob({ jobKey: row.jobKey!, variables: completion.variables as never });
        } catch (error) {
          if (isJobGone(error)) gone = true;
          throw error;
        }
        return row;
      });
    } catch (error) {
      if (!gone) throw error;
      await removeTask(this.options.pool, taskId);
      this.logger.info({ taskId, jobKey: task.jobKey }, 'completed a task the engine no longer has; removed it');
      throw new ConflictError(`task ${taskId} was cancelled in the process meanwhile`, { cause: error });
    }
  }

  /**
   * Hands a handling task back as not this handler's business: completes it
   * RETURNED with the reason. A task of the viewer's queue that nobody holds
   * needs no claim first: claiming would tell the citizen it is in progress.
   */
  async returnTask(viewer: Viewer, taskId: string, reason: string): Promise<TaskView> {
    const task = await this.actionable(viewer, taskId);
    if (task.formKey === null || !HANDLING_FORMS.includes(task.formKey)) {
      throw new BadUserInputError('id', `task ${taskId} is not a handling task; only those can be returned`);
    }
    if (typeof reason !== 'string' || reason.trim() === '') throw new BadUserInputError('reason', 'say why the task is returned');
    return this.finish(viewer, taskId, { outcome: 'RETURNED', variables: { returnReason: reason.trim() } }, true);
  }

  /**
   * Claims a Camunda user task through the engine's assignment (REST v2,
   * no override): of two people racing, the engine takes one and refuses
   * the other. The `assigning` listener writes the row, publishes the claim
   * and records IN_PROGRESS before the engine answers.
   */
  private async assign(viewer: Viewer, task: TaskView): Promise<TaskView> {
    const userTaskKey = task.userTaskKey!;
    if (task.assignee !== null) throw new ConflictError(`task ${task.id} was claimed by someone else`);
    try {
      await this.engine(task, () => this.options.rest.assignUserTask({ userTaskKey: userTaskKey as never, assignee: viewer.personCode, allowOverride: false }));
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const now = await this.visible(viewer, task.id);
      if (now.state === 'CREATED' && now.assignee === viewer.personCode) return now;
      this.assertOpen(now);
      throw new ConflictError(`task ${task.id} was claimed by someone else`, { cause: error });
    }
    return this.visible(viewer, task.id);
  }

  /**
   * Completes a Camunda user task through the engine's completion (REST
   * v2). The input is checked against the task's form here first, so a
   * person hears which field is wrong; the `completing` listener checks it
   * again, as it checks every client's completion, and writes the row and
   * the timeline. A task nobody holds (a return from one's queue) is
   * assigned to the viewer first.
   */
  private async completeUserTask(viewer: Viewer, task: TaskView, input: CompletionInput): Promise<TaskView> {
    const userTaskKey = task.userTaskKey!;
    const form = task.formKey === null ? null : await this.options.forms.ofTask(userTaskKey);
    const completion = checkCompletion(task.formKey, form?.schema ?? null, input);
    if (completion.departments.length > 0) await this.assertDepartments(completion.departments);
    if (task.assignee === null) {
      // Action `return`: the assigning listener records no claim (the event never shows IN_PROGRESS for a return).
      await this.engine(task, () => this.options.rest.assignUserTask({ userTaskKey: userTaskKey as never, assignee: viewer.personCode, allowOverride: false, action: RETURN_ACTION }));
    }
    await this.engine(task, () => this.options.rest.completeUserTask({ userTaskKey: userTaskKey as never, variables: completion.variables }));
    return this.visible(viewer, task.id);
  }

  /**
   * A call to the engine for the task: a task it no longer has leaves the
   * queues; one it refuses is a conflict. A listener writes the row before the
   * engine ends the transition (a new task shows a moment before the engine
   * has created it), so a refusal while the engine is still in a transition
   * waits for it to end and asks again.
   */
  private async engine(task: TaskView, call: () => Promise<unknown>): Promise<void> {
    const deadline = Date.now() + TRANSITION_WAIT_MS;
    for (;;) {
      try {
        await call();
        return;
      } catch (error) {
        if (isGone(error)) {
          await removeTask(this.options.pool, task.id);
          this.logger.info({ taskId: task.id, userTaskKey: task.userTaskKey }, 'the engine no longer has the user task; removed it');
          throw new ConflictError(`task ${task.id} was cancelled in the process meanwhile`, { cause: error });
        }
        if (!isInvalidState(error)) throw error;
        const waited = await this.transitionEnded(task.userTaskKey!, deadline);
        if (waited === 'ended') continue;
        if (waited === 'still') throw new ConflictError(`task ${task.id} is still being changed in the process; try again`, { cause: error });
        throw new ConflictError(`task ${task.id}: ${restProblemOf(error)?.detail ?? 'the engine refused it in its current state'}`, { cause: error });
      }
    }
  }

  /** Whether the engine was in a transition of the task that has now ended, still is at the deadline, or was in none. */
  private async transitionEnded(userTaskKey: string, deadline: number): Promise<'ended' | 'still' | 'none'> {
    let waited = false;
    for (;;) {
      const { state } = await this.options.rest.getUserTask({ userTaskKey: userTaskKey as never }, NO_WAIT).catch((error: unknown) => {
        // Gone meanwhile: asking again gets the engine's own answer.
        if (isGone(error)) return { state: 'CANCELED' as const };
        throw error;
      });
      if (state === undefined || !IN_TRANSITION.has(state)) return waited ? 'ended' : 'none';
      if (Date.now() >= deadline) return 'still';
      waited = true;
      await sleep(TRANSITION_POLL_MS);
    }
  }

  private async visible(viewer: Viewer, taskId: string): Promise<TaskView> {
    const task = isTaskId(taskId) ? await findTask(this.options.pool, taskId) : undefined;
    // A task the viewer may not see is reported as missing: its existence is not theirs to know.
    if (task === undefined || !canSee(viewer, task)) throw new EntityNotFoundError('Task', taskId);
    return task;
  }

  private async actionable(viewer: Viewer, taskId: string): Promise<TaskView> {
    const task = await this.visible(viewer, taskId);
    if (!canAct(viewer, task)) throw new ForbiddenError(`you may see task ${taskId} but not work on it`);
    return task;
  }

  private assertOpen(task: TaskView): void {
    switch (task.state) {
      case 'CREATED':
        return;
      case 'COMPLETED':
        throw new ConflictError(`task ${task.id} is already completed`);
      case 'CANCELED':
        throw new ConflictError(`task ${task.id} was cancelled in the process`);
      default: {
        const unknown: never = task.state;
        throw new Error(`unknown task state ${String(unknown)}`);
      }
    }
  }

  /**
   * The latest deployed version of the task's form. A form key that names a
   * form which is not deployed stops the completion: checking nothing would
   * let any variables into the process.
   */
  private async formOf(formKey: string | null): Promise<FormSchema | null> {
    const formId = formIdOf(formKey);
    if (formId === null) return null;
    const form = (await findLatestForms(this.options.pool, [formId])).get(formId);
    if (form === undefined) throw new Error(`the form ${formId} (form key ${formKey}) is not deployed; deploy processes/forms with the process`);
    return form.schema;
  }

  private async assertDepartments(codes: readonly string[]): Promise<void> {
    const known = await findDepartments(this.options.pool, codes);
    const unknown = codes.filter((code) => !known.has(code));
    if (unknown.length > 0) throw new BadUserInputError('variables.assignment.departments', `no such department: ${unknown.join(', ')}`);
  }
}
