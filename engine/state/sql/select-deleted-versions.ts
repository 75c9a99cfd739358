import type { Queryable } from '../../../db/queryable';
import type { DeletedVersion } from '../deleted-versions';

export async function selectDeletedVersions(db: Queryable): Promise<DeletedVersion[]> {
  const { rows } = await db.query<DeletedVersion>('select kind, id, version from engine.deleted_version');
  return rows;
}
