/**
 * A small map of the event's grid: the grid's own polygon (GeoJSON
 * coordinates from the API) drawn as SVG, with the reported place as a dot.
 * Longitude and latitude are projected equirectangularly around the grid's
 * middle, which is exact enough at a grid's size (a few hundred metres).
 */
import { s } from './dom.js';

const SIZE = 240;
const PADDING = 12;

export function gridMap(boundary, point, title) {
  const outer = boundary?.[0] ?? [];
  if (outer.length < 3) return null;
  const all = point ? [...outer, [point.lon, point.lat]] : outer;
  const lats = all.map(([, lat]) => lat);
  const middle = ((Math.min(...lats) + Math.max(...lats)) / 2) * (Math.PI / 180);
  const project = ([lon, lat]) => [lon * Math.cos(middle), -lat];
  const projected = all.map(project);
  const xs = projected.map(([x]) => x);
  const ys = projected.map(([, y]) => y);
  const [minX, minY] = [Math.min(...xs), Math.min(...ys)];
  const span = Math.max(Math.max(...xs) - minX, Math.max(...ys) - minY) || 1;
  const scale = (SIZE - 2 * PADDING) / span;
  const toView = (coordinate) => {
    const [x, y] = project(coordinate);
    return [PADDING + (x - minX) * scale, PADDING + (y - minY) * scale];
  };
  const rings = boundary.map((ring) => `M${ring.map((c) => toView(c).map((n) => n.toFixed(1)).join(' ')).join('L')}Z`).join('');
  const dot = point ? toView([point.lon, point.lat]) : null;
  return s(
    'svg',
    { class: 'map', viewBox: `0 0 ${SIZE} ${SIZE}`, role: 'img', 'aria-label': title, dataset: { testid: 'grid-map' } },
    s('title', {}, title),
    s('path', { class: 'grid', d: rings, 'fill-rule': 'evenodd', dataset: { testid: 'grid-outline' } }),
    dot ? s('circle', { class: 'event', cx: dot[0].toFixed(1), cy: dot[1].toFixed(1), r: 6, dataset: { testid: 'event-point' } }) : null,
  );
}
