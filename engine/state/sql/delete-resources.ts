import type { Pool } from 'pg';
import type { Queryable } from '../../../db/queryable';
import { transaction } from '../../../db/transaction';
import type { DeletedVersion } from '../deleted-versions';

/**
 * DeleteResource. A process definition that running instances still use is only
 * marked deleted (draining): a restart must reload it for them, yet never offer it
 * to new instances. It goes once they are gone (see removeDrainedDefinitions).
 */
export type ResourceDeletion = (
  | { readonly kind: 'PROCESS'; readonly key: number; readonly draining: boolean }
  | { readonly kind: 'DECISION_REQUIREMENTS'; readonly key: number }
) & { readonly versions: readonly DeletedVersion[] };

/** A stored resource stays only while a definition still comes from it. */
const REMOVE_UNUSED_RESOURCES = `
delete from engine.deployment_resource r
 where not exists (select 1 from engine.process_definition d where d.resource_key = r.key)
   and not exists (select 1 from engine.decision_requirements q where q.resource_key = r.key)
   and not exists (select 1 from engine.form f where f.resource_key = r.key)`;

/** Part of a batch's transaction (see commit-batch.ts); deletions are rare, so one statement per row. */
export async function deleteResources(db: Queryable, deletions: readonly ResourceDeletion[]): Promise<void> {
  if (deletions.length === 0) return;
  for (const deletion of deletions) {
    switch (deletion.kind) {
      case 'PROCESS':
        await db.query(
          deletion.draining
            ? 'update engine.process_definition set deleted = true where key = $1'
            : 'delete from engine.process_definition where key = $1',
          [deletion.key],
        );
        break;
      case 'DECISION_REQUIREMENTS':
        await db.query('delete from engine.decision where decision_requirements_key = $1', [deletion.key]);
        await db.query('delete from engine.decision_requirements where key = $1', [deletion.key]);
        break;
      default: {
        const unknown: never = deletion;
        throw new Error(`unknown resource deletion ${JSON.stringify(unknown)}`);
      }
    }
    for (const { kind, id, version } of deletion.versions) {
      await db.query(
        `insert into engine.deleted_version (kind, id, version) values ($1, $2, $3)
         on conflict (kind, id) do update set version = greatest(engine.deleted_version.version, excluded.version)`,
        [kind, id, version],
      );
    }
  }
  await db.query(REMOVE_UNUSED_RESOURCES);
}

/** At start: deleted definitions whose last instance has ended since go for good, with their resources. */
export async function removeDrainedDefinitions(pool: Pool): Promise<void> {
  await transaction(pool, async (client) => {
    await client.query(
      `delete from engine.process_definition d
        where d.deleted and not exists (select 1 from engine.element_instance e where e.process_definition_key = d.key)`,
    );
    await client.query(REMOVE_UNUSED_RESOURCES);
  });
}
