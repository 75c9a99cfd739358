/**
 * The city's grid outlines for the map: fetched once per version (the API
 * says when the grids changed) and kept for the tab's life, decoded into
 * SVG path data. The projection is equirectangular, shrunk east–west by the
 * cosine of the city's latitude, which at a city's scale keeps shapes true.
 */
import { CITY_MAP, CITY_MAP_VERSION } from './queries.js';

const STORE_KEY = 'grid-dispatch.monitor.city-map';
let cached = null;

/**
 * The outlines for the grids as they are now: the version (a few bytes) is
 * asked every time, the geometry only when it differs from the copy this tab
 * keeps (in memory, and in sessionStorage so that a reload does not fetch it again).
 */
export async function loadGeometry(request) {
  const { cityMap } = await request(CITY_MAP_VERSION);
  if (cached?.version === cityMap.version) return cached;
  let stored;
  try {
    stored = JSON.parse(sessionStorage.getItem(STORE_KEY) ?? 'null');
  } catch {
    stored = null;
  }
  let text = stored?.version === cityMap.version ? stored.geometry : null;
  let version = cityMap.version;
  if (text === null) {
    const { cityMap: full } = await request(CITY_MAP);
    ({ version, geometry: text } = full);
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify({ version, geometry: text }));
    } catch {
      // Over the storage quota: the copy in memory still serves this page.
    }
  }
  cached = decode(version, JSON.parse(text));
  return cached;
}

/** Signing out leaves nothing of the city behind in the tab. */
export function forgetGeometry() {
  cached = null;
  sessionStorage.removeItem(STORE_KEY);
}

function decode(version, encoded) {
  const [, minLat, , maxLat] = encoded.bbox;
  const xScale = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const districts = encoded.districts.map(([code, name]) => ({ code, name, grids: [], d: '', box: emptyBox() }));
  const grids = new Map();
  const city = emptyBox();
  for (const [code, name, districtIndex, ring] of encoded.grids) {
    const district = districts[districtIndex];
    const box = emptyBox();
    let x = 0;
    let y = 0;
    const points = [];
    for (let i = 0; i + 1 < ring.length; i += 2) {
      x += ring[i];
      y += ring[i + 1];
      // SVG's y grows downwards, latitude upwards.
      const px = Math.round(x * xScale);
      const py = -y;
      points.push(`${px} ${py}`);
      grow(box, px, py);
    }
    const d = points.length ? `M${points.join('L')}Z` : '';
    const grid = { code, name, district, d, box };
    grids.set(code, grid);
    district.grids.push(grid);
    district.d += d;
    merge(district.box, box);
    merge(city, box);
  }
  return { version, districts, grids, box: city };
}

function emptyBox() {
  return { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
}

function grow(box, x, y) {
  box.minX = Math.min(box.minX, x);
  box.minY = Math.min(box.minY, y);
  box.maxX = Math.max(box.maxX, x);
  box.maxY = Math.max(box.maxY, y);
}

function merge(into, box) {
  grow(into, box.minX, box.minY);
  grow(into, box.maxX, box.maxY);
}

/** An SVG viewBox around the box, with a margin. */
export function viewBoxOf(box) {
  if (!Number.isFinite(box.minX)) return '0 0 1 1';
  const width = Math.max(box.maxX - box.minX, 1);
  const height = Math.max(box.maxY - box.minY, 1);
  const margin = Math.max(width, height) * 0.02;
  return `${box.minX - margin} ${box.minY - margin} ${width + 2 * margin} ${height + 2 * margin}`;
}
