import type { Queryable } from '../../db/queryable';
import type { PolygonCoordinates } from '../entities/grid';
import { GridIndex } from './grid-index';

/**
 * Builds the grid index from the grids table, once at start: grids change
 * only when the city is re-seeded or re-surveyed, and then the index is
 * rebuilt (a fifth of a second at most for the reference city).
 */
export async function loadGridIndex(db: Queryable): Promise<GridIndex> {
  const { rows } = await db.query<{ code: string; polygon: PolygonCoordinates }>(`select code, polygon from public.grid order by code`);
  return new GridIndex(rows);
}
