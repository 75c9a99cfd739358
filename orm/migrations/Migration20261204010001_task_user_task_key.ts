import { Migration } from '@mikro-orm/migrations';

/**
 * Tasks of Camunda user tasks (zeebe:userTask): a row is keyed by its user
 * task's key and has no job; rows of job-based user tasks (instances of the
 * process's older version) keep their job key. Exactly one of the two is set.
 */
export class Migration20261204010001_task_user_task_key extends Migration {
  override up(): void {
    this.addSql(`alter table public.task add column user_task_key bigint unique`);
    this.addSql(`alter table public.task alter column job_key drop not null`);
    this.addSql(`alter table public.task add constraint task_one_key check ((job_key is null) <> (user_task_key is null))`);
    // A row's form key is its form's id now; the job-based tasks' keys name the same forms (grid-dispatch:handle → grid-dispatch-handle).
    this.addSql(`update public.task set form_key = replace(form_key, 'grid-dispatch:', 'grid-dispatch-') where form_key like 'grid-dispatch:%'`);
  }

  override down(): void {
    this.addSql(`update public.task set form_key = replace(form_key, 'grid-dispatch-', 'grid-dispatch:') where form_key like 'grid-dispatch-%'`);
    this.addSql(`delete from public.task where job_key is null`);
    this.addSql(`alter table public.task drop constraint task_one_key`);
    this.addSql(`alter table public.task alter column job_key set not null`);
    this.addSql(`alter table public.task drop column user_task_key`);
  }
}
