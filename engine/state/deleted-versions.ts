/**
 * Zeebe never gives a version number twice, not even after its definition was
 * deleted: the highest deleted version of each process, DRG and decision id is
 * kept (engine.deleted_version) and the next deployment counts on from there.
 */
export type VersionedKind = 'PROCESS' | 'DECISION_REQUIREMENTS' | 'DECISION';

export interface DeletedVersion {
  readonly kind: VersionedKind;
  readonly id: string;
  readonly version: number;
}

/** kind + id → the highest version deleted. */
export type DeletedVersions = Map<string, number>;

function versionKey(kind: VersionedKind, id: string): string {
  return `${kind}\u0000${id}`;
}

export function nextVersion(deleted: DeletedVersions, kind: VersionedKind, id: string, latest: number | undefined): number {
  return Math.max(latest ?? 0, deleted.get(versionKey(kind, id)) ?? 0) + 1;
}

export function noteDeletedVersion(deleted: DeletedVersions, { kind, id, version }: DeletedVersion): void {
  const key = versionKey(kind, id);
  deleted.set(key, Math.max(deleted.get(key) ?? 0, version));
}
