import { Migration } from '@mikro-orm/migrations';

/**
 * Timers, message subscriptions and buffered messages of the engine. As in the
 * other engine tables, `data` carries the in-memory shape; the other columns are
 * what operators query by (what is due when, who waits for which message).
 */
export class Migration20261128100002_timers_messages extends Migration {
  override up(): void {
    this.addSql(`
      create table engine.timer (
        key bigint primary key,
        element_instance_key bigint not null,
        process_instance_key bigint not null,
        process_definition_key bigint not null,
        target_element_id text not null,
        due_at timestamptz not null,
        data jsonb not null
      )`);
    this.addSql(`create index timer_due_idx on engine.timer (due_at)`);
    this.addSql(`
      create table engine.message_subscription (
        key bigint primary key,
        element_instance_key bigint not null,
        process_instance_key bigint not null,
        message_name text not null,
        correlation_key text not null,
        data jsonb not null
      )`);
    this.addSql(`create index message_subscription_address_idx on engine.message_subscription (message_name, correlation_key)`);
    this.addSql(`
      create table engine.message (
        key bigint primary key,
        name text not null,
        correlation_key text not null,
        message_id text not null,
        expires_at timestamptz not null,
        data jsonb not null
      )`);
    this.addSql(`create index message_address_idx on engine.message (name, correlation_key)`);
  }

  override down(): void {
    this.addSql(`drop table engine.message`);
    this.addSql(`drop table engine.message_subscription`);
    this.addSql(`drop table engine.timer`);
  }
}
