import type { Queryable } from '../../db/queryable';
import { isFormSchema, type FormSchema } from '../form-validation';

/** A deployed form at one version, as the task list hands it out. */
export interface DeployedTaskForm {
  readonly id: string;
  readonly key: string;
  readonly version: number;
  readonly schema: FormSchema;
}

/**
 * The latest deployed version of each of `formIds` (Zeebe's default binding
 * of a linked form), from the engine's read contract. A form whose JSON this
 * task list cannot read is left out, as if not deployed.
 */
export async function findLatestForms(db: Queryable, formIds: readonly string[]): Promise<Map<string, DeployedTaskForm>> {
  const { rows } = await db.query<{ key: string; form_id: string; version: number; schema: string }>(
    `select distinct on (f.form_id) f.form_key::text as key, f.form_id, f.version, f.schema
       from engine_read.form f
      where f.form_id = any($1::text[])
      order by f.form_id, f.version desc`,
    [formIds],
  );
  const forms = new Map<string, DeployedTaskForm>();
  for (const row of rows) {
    let schema: unknown;
    try {
      schema = JSON.parse(row.schema);
    } catch {
      continue;
    }
    if (isFormSchema(schema)) forms.set(row.form_id, { id: row.form_id, key: row.key, version: row.version, schema });
  }
  return forms;
}
