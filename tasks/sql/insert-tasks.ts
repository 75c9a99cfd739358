import { TASK_COLUMNS, type TaskView } from '../task';
import type { NewTask } from '../user-task-job';
import type { Queryable } from '../../db/queryable';

/**
 * A batch of activated user-task jobs in one statement. A job activated again
 * (its lease ran out while no task list renewed it) hits `job_key`'s unique
 * index and changes nothing: no second row, the claim it has kept. Only rows
 * actually inserted come back. An `eventId` naming no grid event becomes null.
 */
export const INSERT_TASKS = `
  insert into public.task as t (
    job_key, process_instance_key, element_id, element_instance_key, name, event_id,
    candidate_groups, candidate_users, assignee, due_at, follow_up_at, priority, form_key,
    state, lease_expires_at)
  select n.job_key, n.process_instance_key, n.element_id, n.element_instance_key, n.name, e.id,
         array(select jsonb_array_elements_text(n.candidate_groups)),
         array(select jsonb_array_elements_text(n.candidate_users)),
         n.assignee, n.due_at, n.follow_up_at, n.priority, n.form_key,
         'CREATED', n.lease_expires_at
    from unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::bigint[],
                $7::jsonb[], $8::jsonb[], $9::text[], $10::timestamptz[], $11::timestamptz[], $12::int[], $13::text[],
                $14::timestamptz[])
         as n (job_key, process_instance_key, element_id, element_instance_key, name, event_id,
               candidate_groups, candidate_users, assignee, due_at, follow_up_at, priority, form_key,
               lease_expires_at)
    left join public.grid_event e on e.id = n.event_id
  on conflict (job_key) do nothing
  returning ${TASK_COLUMNS}`;

export async function insertTasks(db: Queryable, tasks: readonly NewTask[]): Promise<TaskView[]> {
  if (tasks.length === 0) return [];
  const column = <T>(pick: (task: NewTask) => T): T[] => tasks.map(pick);
  const { rows } = await db.query<TaskView>(INSERT_TASKS, [
    column((t) => t.jobKey),
    column((t) => t.processInstanceKey),
    column((t) => t.elementId),
    column((t) => t.elementInstanceKey),
    column((t) => t.name),
    column((t) => t.eventId),
    column((t) => JSON.stringify(t.candidateGroups)),
    column((t) => JSON.stringify(t.candidateUsers)),
    column((t) => t.assignee),
    column((t) => t.dueAt),
    column((t) => t.followUpAt),
    column((t) => t.priority),
    column((t) => t.formKey),
    column((t) => t.leaseExpiresAt),
  ]);
  return rows;
}
