import { Migration } from '@mikro-orm/migrations';

/**
 * The engine's durable state (schema `engine`). Rows hold what the processor
 * keeps in memory; `data` carries the full in-memory shape, the other columns
 * are what operators and the monitor query by. `record` is the append-only log.
 */
export class Migration20261128000001_engine_state extends Migration {
  override up(): void {
    this.addSql(`create schema if not exists engine`);
    this.addSql(`
      create table engine.meta (
        id smallint primary key check (id = 1),
        last_key bigint not null,
        last_position bigint not null
      )`);
    this.addSql(`insert into engine.meta (id, last_key, last_position) values (1, 2251799813685248, 0)`);
    this.addSql(`
      create table engine.deployment_resource (
        key bigint primary key,
        deployment_key bigint not null,
        resource_name text not null,
        checksum text not null,
        content bytea not null,
        deployed_at timestamptz not null default now()
      )`);
    this.addSql(`
      create table engine.process_definition (
        key bigint primary key,
        bpmn_process_id text not null,
        version integer not null,
        resource_key bigint not null references engine.deployment_resource (key),
        checksum text not null,
        deployed_at timestamptz not null default now(),
        unique (bpmn_process_id, version)
      )`);
    this.addSql(`
      create table engine.element_instance (
        key bigint primary key,
        process_instance_key bigint not null,
        process_definition_key bigint not null,
        element_id text not null,
        element_type text not null,
        state text not null,
        flow_scope_key bigint,
        data jsonb not null
      )`);
    this.addSql(`create index element_instance_process_instance_idx on engine.element_instance (process_instance_key)`);
    this.addSql(`
      create table engine.variable (
        key bigint primary key,
        scope_key bigint not null,
        process_instance_key bigint not null,
        name text not null,
        value jsonb not null
      )`);
    this.addSql(`create index variable_scope_idx on engine.variable (scope_key)`);
    this.addSql(`create index variable_process_instance_idx on engine.variable (process_instance_key)`);
    this.addSql(`
      create table engine.job (
        key bigint primary key,
        type text not null,
        state text not null,
        process_instance_key bigint not null,
        element_instance_key bigint not null,
        retries integer not null,
        deadline timestamptz,
        data jsonb not null
      )`);
    this.addSql(`create index job_type_state_idx on engine.job (type, state)`);
    this.addSql(`
      create table engine.incident (
        key bigint primary key,
        process_instance_key bigint not null,
        element_instance_key bigint not null,
        job_key bigint,
        error_type text not null,
        error_message text not null,
        created_at timestamptz not null,
        data jsonb not null
      )`);
    this.addSql(`create index incident_process_instance_idx on engine.incident (process_instance_key)`);
    this.addSql(`
      create table engine.record (
        position bigint primary key,
        key bigint not null,
        record_type text not null,
        value_type text not null,
        intent text not null,
        process_instance_key bigint,
        element_id text,
        created_at timestamptz not null,
        value jsonb not null
      )`);
    this.addSql(`create index record_process_instance_idx on engine.record (process_instance_key, position) where process_instance_key is not null`);
  }

  override down(): void {
    this.addSql(`drop schema engine cascade`);
  }
}
