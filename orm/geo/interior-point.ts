import pointInPolygon from 'point-in-polygon-hao';
import type { PolygonCoordinates } from '../entities/grid';
import { boundingBox } from './grid-index';

/** Candidate points per side of the bounding box. */
const SAMPLES = 12;

/**
 * A point well inside a polygon, for placing something in a grid that has no
 * coordinates of its own: a report placed by the address it names, a test's
 * report in a given grid. The centre of a grid's bounding box can lie
 * outside a concave grid; of a lattice of points over the box, the one
 * inside and farthest from the outline is taken (a cheap pole of
 * inaccessibility). A polygon thinner than the lattice falls back to a point
 * just inside the middle of an edge, on its inner side.
 */
export function interiorPoint(polygon: PolygonCoordinates): { lon: number; lat: number } {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(polygon);
  const scale = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  let best: { lon: number; lat: number } | undefined;
  let bestClearance = -1;
  for (let i = 0; i < SAMPLES; i++) {
    for (let j = 0; j < SAMPLES; j++) {
      const lon = minLon + ((i + 0.5) / SAMPLES) * (maxLon - minLon);
      const lat = minLat + ((j + 0.5) / SAMPLES) * (maxLat - minLat);
      if (pointInPolygon([lon, lat], polygon) !== true) continue;
      const clearance = distanceToOutline(polygon, lon, lat, scale);
      if (clearance > bestClearance) {
        bestClearance = clearance;
        best = { lon, lat };
      }
    }
  }
  return best ?? nearAnEdge(polygon);
}

function distanceToOutline(polygon: PolygonCoordinates, lon: number, lat: number, scale: number): number {
  let least = Infinity;
  for (const ring of polygon) {
    for (let k = 0; k + 1 < ring.length; k++) {
      const [x0 = 0, y0 = 0] = ring[k] ?? [];
      const [x1 = 0, y1 = 0] = ring[k + 1] ?? [];
      const ax = (x0 - lon) * scale;
      const ay = y0 - lat;
      const bx = (x1 - lon) * scale;
      const by = y1 - lat;
      const dx = bx - ax;
      const dy = by - ay;
      const t = dx === 0 && dy === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy)));
      least = Math.min(least, Math.hypot(ax + t * dx, ay + t * dy));
    }
  }
  return least;
}

function nearAnEdge(polygon: PolygonCoordinates): { lon: number; lat: number } {
  const ring = polygon[0] ?? [];
  for (let k = 0; k + 1 < ring.length; k++) {
    const [x0 = 0, y0 = 0] = ring[k] ?? [];
    const [x1 = 0, y1 = 0] = ring[k + 1] ?? [];
    const length = Math.hypot(x1 - x0, y1 - y0);
    for (const side of [1, -1]) {
      const step = (Math.min(1e-6, length / 4) * side) / (length || 1);
      const point = { lon: (x0 + x1) / 2 - (y1 - y0) * step, lat: (y0 + y1) / 2 + (x1 - x0) * step };
      if (length > 0 && pointInPolygon([point.lon, point.lat], polygon) === true) return point;
    }
  }
  throw new Error('polygon has no inside');
}
