import { planCity } from '../seed/city-plan';
import { GridIndex, scanForGrid } from './grid-index';

// Two unit squares side by side and one beside them with a notch: a small city whose answers are known.
const ring = (points: number[][]) => [[...points, points[0]]];
const WEST = { code: 'A', polygon: ring([[0, 0], [1, 0], [1, 1], [0, 1]]) };
const EAST = { code: 'B', polygon: ring([[1, 0], [2, 0], [2, 1], [1, 1]]) };
// An L-shape whose bounding box covers the square above WEST without the polygon doing so.
const NORTH = { code: 'C', polygon: ring([[0, 1], [2, 1], [2, 2], [1.5, 2], [1.5, 1.5], [0, 1.5]]) };

describe('GridIndex', () => {
  const index = new GridIndex([EAST, NORTH, WEST]);

  it('finds the grid holding a point', () => {
    expect(index.findGrid(0.5, 0.5)).toBe('A');
    expect(index.findGrid(1.5, 0.5)).toBe('B');
    expect(index.findGrid(1.75, 1.75)).toBe('C');
  });

  it('gives a point on a shared edge or corner to the grid whose code sorts first', () => {
    expect(index.findGrid(1, 0.5)).toBe('A');
    expect(index.findGrid(1, 1)).toBe('A');
    expect(index.findGrid(1.5, 1)).toBe('B');
    expect(index.findGrid(2, 1.2)).toBe('C');
  });

  it('takes points on the outline as inside', () => {
    expect(index.findGrid(0, 0.5)).toBe('A');
    expect(index.findGrid(2, 0)).toBe('B');
  });

  it('answers undefined outside every grid, in a bounding box but not its polygon, and for non-numbers', () => {
    expect(index.findGrid(-0.1, 0.5)).toBeUndefined();
    expect(index.findGrid(3, 3)).toBeUndefined();
    expect(index.findGrid(0.5, 1.75)).toBeUndefined();
    expect(index.findGrid(Number.NaN, 0.5)).toBeUndefined();
    expect(new GridIndex([]).findGrid(0, 0)).toBeUndefined();
  });

  it('agrees with a linear scan over the reference city, including points on edges', () => {
    const city = planCity();
    const cityIndex = new GridIndex(city.grids);
    const [minLon, minLat, maxLon, maxLat] = city.bbox;
    const points: [number, number][] = [];
    for (let k = 0; k < 400; k++) {
      // A fixed low-discrepancy sequence: spread over the city and a margin around it, the same on every run.
      const u = (k * 0.6180339887) % 1;
      const v = (k * 0.7548776662) % 1;
      points.push([minLon - 0.01 + u * (maxLon - minLon + 0.02), minLat - 0.01 + v * (maxLat - minLat + 0.02)]);
    }
    for (const grid of city.grids.slice(0, 40)) points.push(...grid.polygon[0].map(([lon, lat]): [number, number] => [lon, lat]));
    for (const [lon, lat] of points) expect(cityIndex.findGrid(lon, lat)).toBe(scanForGrid(city.grids, lon, lat));
  });
});
