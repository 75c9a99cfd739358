import type { PolygonCoordinates } from '../entities/grid';
import { partition, Prng } from './prng';

/**
 * The reference city's layout: a rectangle of 121 × 74 = 8,954 grids around
 * a plausible city centre in eastern China, split into 11 districts (column
 * bands), each into about 10 streets (row bands), each into communities of a
 * few grids. Grid corners are jittered and every edge bends at a jittered
 * midpoint, so grids look like city blocks rather than a chessboard, yet
 * neighbours share their edges vertex for vertex: the grids tile the city
 * without gaps or overlaps, and the city's outline stays a rectangle.
 */
export const CITY = Object.freeze({
  columns: 121,
  rows: 74,
  centreLon: 118.78,
  centreLat: 32.04,
  /** Grid cell size before jitter. */
  cellMetres: { width: 250, height: 270 },
  districts: 11,
  streetsPerDistrict: 10,
  seed: 20_261_128,
});

/**
 * Corner jitter and midpoint bend, in cells. Kept below 0.25 in sum so that
 * the four edges leaving a corner stay within their own quadrant (|dy| < dx
 * for the horizontal ones and vice versa): each grid polygon stays simple.
 */
const CORNER_JITTER = 0.15;
const MIDPOINT_BEND = 0.08;
/** 1e-7° ≈ 1 cm: short, stable JSON. */
const DECIMALS = 1e7;

const DISTRICT_NAMES = ['Donghu', 'Xishan', 'Nanyuan', 'Beicheng', 'Zhongshan', 'Hexi', 'Qiaobei', 'Longtan', 'Jinshui', 'Baiyun', 'Qingshan'];
const SYLLABLES = [
  'an', 'bao', 'chang', 'de', 'feng', 'fu', 'guang', 'he', 'hong', 'hua', 'jia', 'jin', 'kang', 'le', 'li', 'lin',
  'long', 'ming', 'ning', 'ping', 'qing', 'rui', 'shan', 'shui', 'tai', 'tian', 'wen', 'xin', 'xing', 'yang', 'yuan', 'zhi',
];

export interface GridPlan {
  readonly code: string;
  readonly name: string;
  readonly districtCode: string;
  readonly districtName: string;
  readonly streetCode: string;
  readonly streetName: string;
  readonly communityCode: string;
  readonly communityName: string;
  readonly polygon: PolygonCoordinates;
  readonly minLon: number;
  readonly minLat: number;
  readonly maxLon: number;
  readonly maxLat: number;
}

export interface CityPlan {
  readonly grids: readonly GridPlan[];
  /** The city's outline: [minLon, minLat, maxLon, maxLat]. */
  readonly bbox: readonly [number, number, number, number];
}

export function planCity(seed: number = CITY.seed): CityPlan {
  const rng = new Prng(seed);
  const { columns, rows } = CITY;
  const cellLat = CITY.cellMetres.height / 111_320;
  const cellLon = CITY.cellMetres.width / (111_320 * Math.cos((CITY.centreLat * Math.PI) / 180));
  const west = CITY.centreLon - (columns * cellLon) / 2;
  const south = CITY.centreLat - (rows * cellLat) / 2;
  const lonAt = (x: number) => Math.round((west + x * cellLon) * DECIMALS) / DECIMALS;
  const latAt = (y: number) => Math.round((south + y * cellLat) * DECIMALS) / DECIMALS;
  const jitter = (amount: number) => rng.between(-amount, amount);

  // Lattice corners, in cells; those on the outline move only along it.
  const corner: [number, number][][] = [];
  for (let i = 0; i <= columns; i++) {
    corner.push([]);
    for (let j = 0; j <= rows; j++) {
      const x = i === 0 || i === columns ? i : i + jitter(CORNER_JITTER);
      const y = j === 0 || j === rows ? j : j + jitter(CORNER_JITTER);
      corner[i].push([x, y]);
    }
  }
  const point = ([x, y]: readonly [number, number]): number[] => [lonAt(x), latAt(y)];
  const mid = (a: [number, number], b: [number, number], dx: number, dy: number): number[] => point([(a[0] + b[0]) / 2 + dx, (a[1] + b[1]) / 2 + dy]);
  const corners = corner.map((column) => column.map(point));
  // Edge midpoints, bent across the edge; outline edges stay straight. Computed once per edge, shared by both sides.
  const bottomMid = (i: number, j: number) => mid(corner[i][j], corner[i + 1][j], 0, j === 0 || j === rows ? 0 : jitter(MIDPOINT_BEND));
  const leftMid = (i: number, j: number) => mid(corner[i][j], corner[i][j + 1], i === 0 || i === columns ? 0 : jitter(MIDPOINT_BEND), 0);
  const horizontal = Array.from({ length: columns }, (_, i) => Array.from({ length: rows + 1 }, (_, j) => bottomMid(i, j)));
  const vertical = Array.from({ length: columns + 1 }, (_, i) => Array.from({ length: rows }, (_, j) => leftMid(i, j)));

  const polygonOf = (i: number, j: number): PolygonCoordinates => {
    // Counter-clockwise, as GeoJSON wants outer rings.
    const ring = [
      corners[i][j],
      horizontal[i][j],
      corners[i + 1][j],
      vertical[i + 1][j],
      corners[i + 1][j + 1],
      horizontal[i][j + 1],
      corners[i][j + 1],
      vertical[i][j],
    ];
    return [[...ring, ring[0]]];
  };

  const names = new UniqueNames(rng);
  const grids: GridPlan[] = [];
  let column0 = 0;
  partition(columns, CITY.districts, rng, 0.35).forEach((districtWidth, d) => {
    const districtCode = `D${pad(d + 1)}`;
    const districtName = `${DISTRICT_NAMES[d]} District`;
    let row0 = 0;
    partition(rows, CITY.streetsPerDistrict, rng, 0.35).forEach((streetHeight, s) => {
      const streetCode = `${districtCode}S${pad(s + 1)}`;
      const streetName = `${names.next()} Street`;
      // Communities of about 3 × 3 to 4 × 4 grids.
      const columnBands = partition(districtWidth, Math.max(1, Math.round(districtWidth / 3.5)), rng, 0.25);
      const rowBands = partition(streetHeight, Math.max(1, Math.round(streetHeight / 3.5)), rng, 0.25);
      let community = 0;
      let r0 = row0;
      for (const bandHeight of rowBands) {
        let c0 = column0;
        for (const bandWidth of columnBands) {
          const communityCode = `${streetCode}C${pad(++community)}`;
          const communityName = `${names.next()} Community`;
          let number = 0;
          for (let j = r0; j < r0 + bandHeight; j++) {
            for (let i = c0; i < c0 + bandWidth; i++) {
              const polygon = polygonOf(i, j);
              const lons = polygon[0].map((p) => p[0]);
              const lats = polygon[0].map((p) => p[1]);
              number++;
              grids.push({
                code: `${communityCode}G${pad(number)}`,
                name: `${communityName} Grid ${number}`,
                districtCode,
                districtName,
                streetCode,
                streetName,
                communityCode,
                communityName,
                polygon,
                minLon: Math.min(...lons),
                minLat: Math.min(...lats),
                maxLon: Math.max(...lons),
                maxLat: Math.max(...lats),
              });
            }
          }
          c0 += bandWidth;
        }
        r0 += bandHeight;
      }
      row0 += streetHeight;
    });
    column0 += districtWidth;
  });
  return { grids, bbox: [lonAt(0), latAt(0), lonAt(columns), latAt(rows)] };
}

/** Two- or three-syllable pinyin place names, capitalised, none twice. */
class UniqueNames {
  private readonly used = new Set<string>();

  constructor(private readonly rng: Prng) {}

  next(): string {
    for (;;) {
      const count = this.used.size < 800 ? 2 : 3;
      const word = Array.from({ length: count }, () => this.rng.pick(SYLLABLES)).join('');
      const name = word[0].toUpperCase() + word.slice(1);
      if (!this.used.has(name)) {
        this.used.add(name);
        return name;
      }
    }
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
