/**
 * The city's grids as one compact payload for the monitor's map: outer rings
 * only, on an integer lattice of 1e-5° (about a metre), simplified, and each
 * ring's points as differences from the previous one — small numbers that
 * JSON spells in a few digits. Built once per set of grids and kept; the
 * version changes whenever a grid is added, removed, renamed or moved.
 */
import { createHash } from 'node:crypto';
import simplify from 'simplify-js';
import type { Queryable } from '../../db/queryable';
import { findGridFingerprint, findGridShapes, type GridShapeRow } from '../sql/grid-map';

/** Degrees per lattice step. */
export const QUANTUM = 1e-5;
/** Points closer than this (lattice steps, ~3 m) to the simplified line are dropped: invisible at any zoom the map offers. */
const TOLERANCE = 3;

export interface GridGeometry {
  readonly version: string;
  /** JSON text of EncodedGeometry. */
  readonly payload: string;
  readonly grids: number;
  readonly points: number;
}

/**
 * The payload's shape. A ring is [x0, y0, dx1, dy1, …]: the first point in
 * lattice steps from `origin`, each next one as the step from the one before;
 * the closing point is left out.
 */
export interface EncodedGeometry {
  readonly quantum: number;
  readonly origin: readonly [number, number];
  /** [minLon, minLat, maxLon, maxLat] of every grid. */
  readonly bbox: readonly [number, number, number, number];
  /** [code, name] */
  readonly districts: readonly (readonly [string, string])[];
  /** [code, name, index into districts, ring] */
  readonly grids: readonly (readonly [string, string, number, readonly number[]])[];
}

const built = new WeakMap<Queryable, GridGeometry>();

/** The payload for the grids now in the database, built again only when they changed. */
export async function gridGeometry(db: Queryable): Promise<GridGeometry> {
  const version = createHash('sha256').update(await findGridFingerprint(db)).digest('base64url').slice(0, 16);
  const cached = built.get(db);
  if (cached?.version === version) return cached;
  const geometry = { version, ...encodeGrids(await findGridShapes(db)) };
  built.set(db, geometry);
  return geometry;
}

export function encodeGrids(rows: readonly GridShapeRow[]): { payload: string; grids: number; points: number } {
  let [minLon, minLat, maxLon, maxLat] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const row of rows) {
    for (const [lon, lat] of row.polygon[0] ?? []) {
      minLon = Math.min(minLon, lon);
      minLat = Math.min(minLat, lat);
      maxLon = Math.max(maxLon, lon);
      maxLat = Math.max(maxLat, lat);
    }
  }
  if (rows.length === 0) [minLon, minLat, maxLon, maxLat] = [0, 0, 0, 0];
  const origin: [number, number] = [Math.floor(minLon / QUANTUM), Math.floor(minLat / QUANTUM)];
  const districts: [string, string][] = [];
  const districtIndex = new Map<string, number>();
  const grids: [string, string, number, number[]][] = [];
  let points = 0;
  for (const row of rows) {
    let index = districtIndex.get(row.district_code);
    if (index === undefined) {
      index = districts.push([row.district_code, row.district_name]) - 1;
      districtIndex.set(row.district_code, index);
    }
    const ring = encodeRing(row.polygon[0] ?? [], origin);
    points += ring.length / 2;
    grids.push([row.code, row.name, index, ring]);
  }
  const encoded: EncodedGeometry = { quantum: QUANTUM, origin: [origin[0] * QUANTUM, origin[1] * QUANTUM], bbox: [minLon, minLat, maxLon, maxLat], districts, grids };
  return { payload: JSON.stringify(encoded), grids: rows.length, points };
}

function encodeRing(ring: readonly number[][], origin: readonly [number, number]): number[] {
  const lattice = ring.map(([lon, lat]) => ({ x: Math.round(lon / QUANTUM) - origin[0], y: Math.round(lat / QUANTUM) - origin[1] }));
  // GeoJSON closes rings by repeating the first point; the page closes its paths itself.
  const last = lattice.at(-1);
  if (lattice.length > 1 && last !== undefined && last.x === lattice[0].x && last.y === lattice[0].y) lattice.pop();
  const kept = lattice.length > 4 ? simplify(lattice, TOLERANCE, true) : lattice;
  const out: number[] = [];
  let previous = { x: 0, y: 0 };
  for (const point of kept.length >= 3 ? kept : lattice) {
    out.push(point.x - previous.x, point.y - previous.y);
    previous = point;
  }
  return out;
}

/** The inverse of encodeRing, for tests and tools: [lon, lat] points in degrees. */
export function decodeRing(encoded: EncodedGeometry, ring: readonly number[]): [number, number][] {
  const points: [number, number][] = [];
  let x = 0;
  let y = 0;
  for (let i = 0; i + 1 < ring.length; i += 2) {
    x += ring[i];
    y += ring[i + 1];
    points.push([encoded.origin[0] + x * encoded.quantum, encoded.origin[1] + y * encoded.quantum]);
  }
  return points;
}
