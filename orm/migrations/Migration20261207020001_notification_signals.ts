import { Migration } from '@mikro-orm/migrations';

/**
 * `notify_people` announces the notifications it writes in signals of many
 * (a JSON array of `{id, person}`, sent before the next would take it past
 * 6,000 bytes, below PostgreSQL's 8,000-byte payload limit) instead of one
 * `pg_notify` each. A new department task tells about 90 people: 90
 * signals, each queued at commit, read by every listening session and
 * parsed by every API process, became one or two. The array is built as
 * text: re-serialising a growing jsonb to measure it cost more than the
 * signals saved. `notify_person` still sends one object; listeners take both
 * shapes (notifications/notification-listener.ts).
 */
export class Migration20261207020001_notification_signals extends Migration {
  override up(): void {
    this.addSql(notifyPeople(`
          v_signal := json_build_object('id', v_written.id::text, 'person', v_written.code)::text;
          if v_signals <> '' and octet_length(v_signals) + octet_length(v_signal) > 6000 then
            perform pg_notify('grid_dispatch_notifications', '[' || v_signals || ']');
            v_signals := '';
          end if;
          v_signals := case when v_signals = '' then v_signal else v_signals || ',' || v_signal end;
          v_count := v_count + 1;`, `
        if v_signals <> '' then
          perform pg_notify('grid_dispatch_notifications', '[' || v_signals || ']');
        end if;`));
  }

  override down(): void {
    this.addSql(notifyPeople(`
          perform pg_notify('grid_dispatch_notifications', json_build_object('id', v_written.id::text, 'person', v_written.code)::text);
          v_count := v_count + 1;`, ''));
  }
}

/** public.notify_people as Migration20261206020001_notification_fan_out.ts wrote it, but for how each written row is announced. */
function notifyPeople(eachWritten: string, afterAll: string): string {
  return `
      create or replace function public.notify_people(p_people bigint[], p_kind text, p_event bigint, p_task bigint, p_urgent boolean, p_text text, p_data jsonb)
      returns integer language plpgsql as $fn$
      declare
        v_written record;
        v_count integer := 0;
        v_signal text;
        v_signals text := '';
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
        loop${eachWritten}
        end loop;${afterAll}
        return v_count;
      end
      $fn$`;
}
