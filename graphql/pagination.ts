import { BadUserInputError } from '../errors/app-error';

/** The largest page any list hands out; `first` above it is refused rather than silently cut. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;

export interface Page<T> {
  readonly edges: readonly { readonly cursor: string; readonly node: T }[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
}

export function pageSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new BadUserInputError('first', `first must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${String(first)}`);
  }
  return size;
}

/**
 * Keyset cursors: the sort key of the last row seen, tagged with the list's
 * sort so a cursor of one ordering is not read as another's. Opaque to
 * clients (base64url JSON).
 */
export function encodeCursor(sort: string, key: readonly (string | number | null)[]): string {
  return Buffer.from(JSON.stringify([sort, ...key])).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined, sort: string, arity: number): (string | number | null)[] | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed[0] !== sort || parsed.length !== arity + 1 || !parsed.slice(1).every((v) => v === null || typeof v === 'string' || typeof v === 'number')) {
    throw new BadUserInputError('after', 'after is not a cursor of this list and ordering');
  }
  return parsed.slice(1) as (string | number | null)[];
}

/** Turns `size + 1` fetched rows into a page: the extra row only says there is a next page. */
export function toPage<T>(rows: readonly T[], size: number, cursorOf: (row: T) => string): Page<T> {
  const nodes = rows.slice(0, size);
  const edges = nodes.map((node) => ({ cursor: cursorOf(node), node }));
  return { edges, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
}
