import Flatbush from 'flatbush';
import pointInPolygon from 'point-in-polygon-hao';
import type { PolygonCoordinates } from '../entities/grid';

export interface GridShape {
  readonly code: string;
  readonly polygon: PolygonCoordinates;
}

/**
 * Point → grid over all of the city's grids. Bounding boxes sit in a static
 * packed Hilbert R-tree (flatbush), so a lookup tests the polygons of the one
 * to four grids whose boxes hold the point, not all of them; the test itself
 * is exact on edges (point-in-polygon-hao, on robust orientation predicates).
 *
 * A point on an edge or vertex shared by several grids belongs to the one
 * whose code sorts first, so every point has one answer, on every run.
 */
export class GridIndex {
  private readonly tree: Flatbush;
  private readonly shapes: readonly GridShape[];

  constructor(grids: Iterable<GridShape>) {
    this.shapes = [...grids];
    this.tree = new Flatbush(Math.max(1, this.shapes.length));
    for (const { polygon } of this.shapes) {
      const [minLon, minLat, maxLon, maxLat] = boundingBox(polygon);
      this.tree.add(minLon, minLat, maxLon, maxLat);
    }
    // flatbush cannot be finished empty; a placeholder box far outside WGS84 answers no query.
    if (this.shapes.length === 0) this.tree.add(1e9, 1e9, 1e9, 1e9);
    this.tree.finish();
  }

  get size(): number {
    return this.shapes.length;
  }

  /** The code of the grid holding (lon, lat), WGS84; undefined outside every grid. */
  findGrid(lon: number, lat: number): string | undefined {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return undefined;
    let onEdge: string | undefined;
    for (const i of this.tree.search(lon, lat, lon, lat)) {
      const shape = this.shapes[i];
      if (shape === undefined) continue;
      const inside = pointInPolygon([lon, lat], shape.polygon);
      if (inside === true) return shape.code;
      if (inside === 0 && (onEdge === undefined || shape.code < onEdge)) onEdge = shape.code;
    }
    return onEdge;
  }
}

/** The same answer as GridIndex.findGrid by testing every grid in turn: the baseline of bench:grid. */
export function scanForGrid(grids: readonly GridShape[], lon: number, lat: number): string | undefined {
  let onEdge: string | undefined;
  for (const shape of grids) {
    const inside = pointInPolygon([lon, lat], shape.polygon);
    if (inside === true) return shape.code;
    if (inside === 0 && (onEdge === undefined || shape.code < onEdge)) onEdge = shape.code;
  }
  return onEdge;
}

export function boundingBox(polygon: PolygonCoordinates): [number, number, number, number] {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const [lon, lat] of polygon[0] ?? []) {
    if (lon === undefined || lat === undefined) continue;
    if (lon < minLon) minLon = lon;
    if (lon > maxLon) maxLon = lon;
    if (lat < minLat) minLat = lat;
    if (lat > maxLat) maxLat = lat;
  }
  return [minLon, minLat, maxLon, maxLat];
}
