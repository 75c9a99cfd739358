import { Migration } from '@mikro-orm/migrations';

/**
 * Signal subscriptions of waiting element instances (signal catch events,
 * boundary events, event subprocesses). Signal start events need no rows: they
 * are read from the latest deployed version of each process.
 */
export class Migration20261128100005_signals extends Migration {
  override up(): void {
    this.addSql(`
      create table engine.signal_subscription (
        key bigint primary key,
        element_instance_key bigint not null,
        process_instance_key bigint not null,
        signal_name text not null,
        data jsonb not null
      )`);
    this.addSql(`create index signal_subscription_name_idx on engine.signal_subscription (signal_name)`);
  }

  override down(): void {
    this.addSql(`drop table engine.signal_subscription`);
  }
}
