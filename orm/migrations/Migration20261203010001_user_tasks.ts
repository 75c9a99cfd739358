import { Migration } from '@mikro-orm/migrations';

/**
 * Camunda user tasks (zeebe:userTask): one row per task, kept after the task
 * completes or is canceled so that the read view can list finished tasks. The
 * engine loads only the unfinished ones at start; `data` holds the in-memory
 * object (including a transition in progress), the columns what searches filter on.
 * `engine_read.user_tasks` is the read contract's view of it.
 */
export class Migration20261203010001_user_tasks extends Migration {
  override up(): void {
    // a linked form with binding type versionTag picks the form version by the tag in its JSON
    this.addSql(`alter table engine.form add column version_tag text`);
    this.addSql(`
      create table engine.user_task (
        key bigint primary key,
        element_instance_key bigint not null,
        process_instance_key bigint not null,
        process_definition_key bigint not null,
        bpmn_process_id text not null,
        process_definition_version integer not null,
        element_id text not null,
        name text,
        state text not null,
        assignee text,
        candidate_groups text[] not null default '{}',
        candidate_users text[] not null default '{}',
        due_date timestamptz,
        follow_up_date timestamptz,
        priority integer not null,
        form_key bigint,
        external_form_reference text,
        custom_headers jsonb not null default '{}',
        created_at timestamptz not null,
        completed_at timestamptz,
        data jsonb not null
      )`);
    this.addSql(`create index user_task_process_instance on engine.user_task (process_instance_key)`);
    this.addSql(`create index user_task_unfinished on engine.user_task (key) where state not in ('COMPLETED', 'CANCELED')`);
    this.addSql(`
      create view engine_read.user_tasks as
      select t.key as user_task_key, t.element_id, t.name, t.element_instance_key, t.process_instance_key,
             t.process_definition_key, t.bpmn_process_id, t.process_definition_version, '<default>'::text as tenant_id,
             t.state, t.assignee, t.candidate_groups, t.candidate_users, t.due_date, t.follow_up_date, t.priority,
             t.form_key, t.external_form_reference, t.custom_headers, t.created_at as creation_date,
             t.completed_at as completion_date
        from engine.user_task t`);
  }

  override down(): void {
    this.addSql(`drop view if exists engine_read.user_tasks`);
    this.addSql(`drop table if exists engine.user_task`);
    this.addSql(`alter table engine.form drop column if exists version_tag`);
  }
}
