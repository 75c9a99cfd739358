import { Migration } from '@mikro-orm/migrations';

/**
 * A new task's announcement leaves the transaction that writes the task.
 *
 * Telling everyone a new task is offered to (about 90 people for a
 * department's task) wrote their notifications inside the task's insert:
 * the largest part of that transaction, and the task list's transaction is
 * the one a clerk waits for before the task shows in the queue. The insert
 * now only leaves a row in `public.task_announcement`; `announce_new_tasks`
 * takes such rows (`for update skip locked`, so several callers never take
 * one twice), writes the holders' notifications as before, and deletes them,
 * all in one statement. The task list calls it right after its transaction
 * commits; the notification outbox calls it on each of its rounds, so an
 * announcement whose writer stopped before it announced is made by the next
 * round of any process.
 *
 * A task that is no longer open when its announcement is taken is told to no
 * one: whoever finished it did not need telling. The holders are those of
 * the moment it is announced (a task claimed meanwhile tells its assignee).
 */
export class Migration20261207010001_task_announcements extends Migration {
  override up(): void {
    this.addSql(`
      create table public.task_announcement (
        task_id bigint primary key references public.task (id) on delete cascade,
        created_at timestamptz not null default now()
      )`);
    this.addSql(`
      create or replace function public.notify_task_created() returns trigger language plpgsql as $fn$
      begin
        insert into public.task_announcement (task_id) values (new.id);
        return null;
      end
      $fn$`);
    this.addSql(`
      create function public.announce_new_tasks(p_limit integer) returns integer language plpgsql as $fn$
      declare
        v_task record;
        v_count integer := 0;
      begin
        for v_task in
          with taken as (
            delete from public.task_announcement a
             where a.task_id in (select task_id from public.task_announcement order by task_id limit p_limit for update skip locked)
            returning a.task_id
          )
          select t.id, t.event_id, t.name, t.state from taken join public.task t on t.id = taken.task_id order by t.id
        loop
          if v_task.state = 'CREATED' then
            perform public.notify_people(array(select public.notification_task_holders(v_task.id)), 'task-assigned', v_task.event_id, v_task.id, false,
              format('New task "%s"%s.', v_task.name, case when v_task.event_id is null then '' else format(' on event %s', v_task.event_id) end),
              jsonb_build_object('taskId', v_task.id::text, 'taskName', v_task.name));
          end if;
          v_count := v_count + 1;
        end loop;
        return v_count;
      end
      $fn$`);
  }

  override down(): void {
    this.addSql(`select public.announce_new_tasks(2147483647)`);
    this.addSql(`drop function public.announce_new_tasks(integer)`);
    this.addSql(`
      create or replace function public.notify_task_created() returns trigger language plpgsql as $fn$
      begin
        perform public.notify_people(array(select public.notification_task_holders(new.id)), 'task-assigned', new.event_id, new.id, false,
          format('New task "%s"%s.', new.name, case when new.event_id is null then '' else format(' on event %s', new.event_id) end),
          jsonb_build_object('taskId', new.id::text, 'taskName', new.name));
        return null;
      end
      $fn$`);
    this.addSql(`drop table public.task_announcement`);
  }
}
