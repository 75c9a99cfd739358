import { Migration } from '@mikro-orm/migrations';

/**
 * A new task tells everyone it is offered to: about 90 people for a
 * department's task in the reference city. Two costs of that fan-out, each
 * larger than everything else the task's insert does, go:
 *
 * - **The members of a candidate group are found through an index.** As one
 *   SQL statement of three OR-ed cases, PostgreSQL inlined the function into
 *   the trigger's join and read the whole `person` table, citizens included,
 *   for every task created (4 ms per task with 16,000 people; the reference
 *   city has more than 100,000). Each case is now its own statement, chosen
 *   before it runs: a department's people by `person_department_idx`, a
 *   grid's worker by the unique `grid_code`. Who is a member is unchanged (no
 *   department code is `city-managers` or starts with `grid-`).
 * - **One statement writes every holder's notification and deliveries**
 *   (`public.notify_people`), instead of `notify_person` once per holder, each
 *   reading the person and the preference and inserting on its own (5.5 ms
 *   per task for 90 holders). The rows, the channels and the announcement on
 *   commit are the same as `notify_person` writes for each.
 */
export class Migration20261206020001_notification_fan_out extends Migration {
  override up(): void {
    this.addSql(`
      create or replace function public.notification_group_members(p_group text) returns setof bigint language plpgsql stable as $fn$
      begin
        if p_group = 'city-managers' then
          return query select id from public.person where role = 'manager' and department_code is null;
        elsif p_group like 'grid-%' then
          return query select id from public.person where role = 'grid_worker' and grid_code = substr(p_group, 6);
        else
          return query select id from public.person where role in ('clerk', 'manager') and department_code = p_group;
        end if;
      end
      $fn$`);
    // Channels as notify_person chooses them: the person's preference, else SMS for citizens and e-mail for staff; none without an address.
    this.addSql(`
      create function public.notify_people(p_people bigint[], p_kind text, p_event bigint, p_task bigint, p_urgent boolean, p_text text, p_data jsonb)
      returns integer language plpgsql as $fn$
      declare
        v_written record;
        v_count integer := 0;
      begin
        for v_written in
          with people as (
            select p.id, p.code, p.role, p.phone, pref.channels, pref.email
              from public.person p left join public.notification_preference pref on pref.person_id = p.id
             where p.id = any (p_people)
          ), notified as (
            insert into public.notification (person_id, kind, event_id, task_id, urgent, text, data)
            select people.id, p_kind, p_event, p_task, p_urgent, p_text, coalesce(p_data, '{}'::jsonb) from people order by people.id
            returning id, person_id
          ), delivered as (
            insert into public.notification_delivery (notification_id, channel, idempotency_key)
            select n.id, c.channel, 'notification-' || n.id || '-' || lower(c.channel)
              from notified n
              join people on people.id = n.person_id
             cross join lateral unnest(coalesce(people.channels, case when people.role = 'citizen' then array['SMS'] else array['EMAIL'] end)) as c(channel)
             where not (c.channel = 'SMS' and people.phone is null)
               and not (c.channel = 'EMAIL' and people.email is null)
          )
          select n.id, people.code from notified n join people on people.id = n.person_id order by n.id
        loop
          perform pg_notify('grid_dispatch_notifications', json_build_object('id', v_written.id::text, 'person', v_written.code)::text);
          v_count := v_count + 1;
        end loop;
        return v_count;
      end
      $fn$`);
    this.addSql(`
      create or replace function public.notify_task_created() returns trigger language plpgsql as $fn$
      begin
        perform public.notify_people(array(select public.notification_task_holders(new.id)), 'task-assigned', new.event_id, new.id, false,
          format('New task "%s"%s.', new.name, case when new.event_id is null then '' else format(' on event %s', new.event_id) end),
          jsonb_build_object('taskId', new.id::text, 'taskName', new.name));
        return null;
      end
      $fn$`);
  }

  override down(): void {
    this.addSql(`
      create or replace function public.notify_task_created() returns trigger language plpgsql as $fn$
      declare
        v_person bigint;
      begin
        for v_person in select public.notification_task_holders(new.id) loop
          perform public.notify_person(v_person, 'task-assigned', new.event_id, new.id, false,
            format('New task "%s"%s.', new.name, case when new.event_id is null then '' else format(' on event %s', new.event_id) end),
            jsonb_build_object('taskId', new.id::text, 'taskName', new.name));
        end loop;
        return null;
      end
      $fn$`);
    this.addSql(`drop function public.notify_people(bigint[], text, bigint, bigint, boolean, text, jsonb)`);
    this.addSql(`
      create or replace function public.notification_group_members(p_group text) returns setof bigint language sql stable as $fn$
        select id from public.person
        where (p_group = 'city-managers' and role = 'manager' and department_code is null)
           or (p_group like 'grid-%' and role = 'grid_worker' and grid_code = substr(p_group, 6))
           or (role in ('clerk', 'manager') and department_code = p_group)
      $fn$`);
  }
}
