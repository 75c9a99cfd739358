import { Migration } from '@mikro-orm/migrations';

/**
 * Deployed DMN: one decision requirements graph (DRG) per DMN resource version and
 * the decisions in it. The DMN XML itself is in engine.deployment_resource, from
 * which the engine recompiles the DRG at start.
 */
export class Migration20261128100001_decisions extends Migration {
  override up(): void {
    this.addSql(`
      create table engine.decision_requirements (
        key bigint primary key,
        id text not null,
        name text not null,
        version integer not null,
        resource_key bigint not null references engine.deployment_resource (key),
        checksum text not null,
        deployed_at timestamptz not null default now(),
        unique (id, version)
      )`);
    this.addSql(`
      create table engine.decision (
        key bigint primary key,
        decision_id text not null,
        name text not null,
        version integer not null,
        decision_requirements_key bigint not null references engine.decision_requirements (key),
        deployed_at timestamptz not null default now(),
        unique (decision_id, version)
      )`);
  }

  override down(): void {
    this.addSql(`drop table engine.decision`);
    this.addSql(`drop table engine.decision_requirements`);
  }
}
