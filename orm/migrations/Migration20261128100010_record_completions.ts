import { Migration } from '@mikro-orm/migrations';

/**
 * The monitor counts completed and ended instances per process definition and
 * element from the record log (live state forgets what has ended). Without
 * this index each count reads the whole log; with it, only the end records
 * of one definition.
 */
export class Migration20261128100010_record_completions extends Migration {
  override up(): void {
    this.addSql(`
      create index record_element_end_idx on engine.record (((value->>'processDefinitionKey')::bigint), element_id)
       where value_type = 'PROCESS_INSTANCE' and intent in ('ELEMENT_COMPLETED', 'ELEMENT_TERMINATED')`);
  }

  override down(): void {
    this.addSql(`drop index if exists engine.record_element_end_idx`);
  }
}
