import type { Queryable } from '../../../db/queryable';
import type { FormRow } from '../form-state';

/** Part of a deployment's transaction (see commit-batch.ts); deployments are rare, so one statement per row. */
export async function insertForms(db: Queryable, forms: readonly FormRow[]): Promise<void> {
  for (const f of forms) {
    await db.query(`insert into engine.form (key, form_id, version, resource_key, checksum, version_tag) values ($1, $2, $3, $4, $5, $6)`, [
      f.key,
      f.formId,
      f.version,
      f.resourceKey,
      f.checksum,
      f.versionTag ?? null,
    ]);
  }
}
