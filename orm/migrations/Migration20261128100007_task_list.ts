import { Migration } from '@mikro-orm/migrations';

/**
 * The task list's lease bookkeeping: an open task's `io.camunda.zeebe:userTask`
 * job stays activated for the task list (a long job timeout), renewed with
 * UpdateJobTimeout before it runs out. `lease_expires_at` is when the engine
 * would hand the job out again as far as the task list knows; rows written
 * before the task list existed (or by other code) count as due at once.
 */
export class Migration20261128100007_task_list extends Migration {
  override up(): void {
    this.addSql(`alter table public.task add column lease_expires_at timestamptz not null default now()`);
    // The reconciler's scan: open tasks whose lease runs out first.
    this.addSql(`create index task_open_lease_idx on public.task (lease_expires_at) where state = 'CREATED'`);
  }

  override down(): void {
    this.addSql(`drop index if exists public.task_open_lease_idx`);
    this.addSql(`alter table public.task drop column lease_expires_at`);
  }
}
