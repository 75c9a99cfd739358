import type { Queryable } from '../../db/queryable';

/**
 * Takes up to `$2` open tasks whose lease ends before `$1` and books them as
 * renewed until `$3`, before the engine is asked: several task-list processes
 * then never renew the same task at once (skip locked), and a renewal that
 * fails puts the row back with resetLease.
 */
export const TAKE_DUE_LEASES = `
  update public.task t set lease_expires_at = $3
    from (select id from public.task
           where state = 'CREATED' and lease_expires_at < $1
           order by lease_expires_at
           limit $2
           for update skip locked) due
   where t.id = due.id
  returning t.id::text as "id", t.job_key::text as "jobKey", t.user_task_key::text as "userTaskKey"`;

/** An open task to check: a job-based one's job to renew, or a Camunda user task to look up. */
export interface DueLease {
  readonly id: string;
  readonly jobKey: string | null;
  readonly userTaskKey: string | null;
}

export async function takeDueLeases(db: Queryable, dueBefore: Date, limit: number, renewedUntil: Date): Promise<DueLease[]> {
  const { rows } = await db.query<DueLease>(TAKE_DUE_LEASES, [dueBefore, limit, renewedUntil]);
  return rows;
}
