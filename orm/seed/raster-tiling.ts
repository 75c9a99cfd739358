import { Prng } from './prng';
import type { Polygon } from './nanchang-outlines';

/**
 * Tiles regions (districts) given by their outlines into a given number of
 * grids each. The outlines are rasterised on a lattice of 1/1024° cells
 * (about 100 m), each cell going to the region holding its centre; each
 * region's cells are then grouped around seeds (Lloyd-relaxed, so grids come
 * out of even size and compact), and each group's outline is traced along
 * cell edges. Neighbouring grids therefore share their edges vertex for
 * vertex (every vertex is an exact multiple of 1/1024°): the grids tile the
 * rasterised outlines without gaps or overlaps, and every grid is one
 * 4-connected piece inside one region.
 */
export interface RegionToTile {
  readonly polygons: readonly Polygon[];
  readonly grids: number;
}

export interface Tile {
  /** Mean of the tile's cell centres, [lon, lat]. */
  readonly centre: readonly [number, number];
  readonly cells: number;
  /** The centre of the tile's cell nearest its centre: a point surely inside it. */
  readonly inside: readonly [number, number];
  /** Outer ring first (counter-clockwise), then holes; closed rings of [lon, lat]. */
  readonly polygon: number[][][];
}

export const CELLS_PER_DEGREE = 1024;
const LLOYD_ITERATIONS = 3;
/** Pieces of a region smaller than this share of its mean grid get no grid (slivers of the outline data). */
const LEAST_PIECE = 0.25;

interface Lattice {
  readonly lon0: number;
  readonly lat0: number;
  readonly width: number;
  readonly height: number;
  /** Cell width over cell height on the ground, for distances. */
  readonly aspect: number;
}

export function tileRegions(regions: readonly RegionToTile[], rng: Prng): Tile[][] {
  const lattice = latticeFor(regions);
  const owner = new Int16Array(lattice.width * lattice.height).fill(-1);
  regions.forEach((region, r) => rasterise(lattice, region.polygons, owner, r));
  const scratch: Scratch = { seen: new Int32Array(owner.length), stamp: 0, grids: 0 };
  settleSlivers(lattice, owner, regions, scratch);
  const grid = new Int32Array(owner.length).fill(-1);
  const cells = cellsByRegion(owner, regions.length);
  return regions.map((region, r) => tileRegion(lattice, owner, cells[r], r, region.grids, rng, scratch, grid));
}

/** Each region's cells, in ascending order. */
function cellsByRegion(owner: Int16Array, regions: number): number[][] {
  const cells: number[][] = Array.from({ length: regions }, () => []);
  for (let c = 0; c < owner.length; c++) if (owner[c] >= 0) cells[owner[c]].push(c);
  return cells;
}

function latticeFor(regions: readonly RegionToTile[]): Lattice {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const region of regions) {
    for (const polygon of region.polygons) {
      for (const [lon, lat] of polygon.flat()) {
        minLon = Math.min(minLon, lon);
        maxLon = Math.max(maxLon, lon);
        minLat = Math.min(minLat, lat);
        maxLat = Math.max(maxLat, lat);
      }
    }
  }
  const lon0 = Math.floor(minLon * CELLS_PER_DEGREE) / CELLS_PER_DEGREE;
  const lat0 = Math.floor(minLat * CELLS_PER_DEGREE) / CELLS_PER_DEGREE;
  return {
    lon0,
    lat0,
    width: Math.ceil((maxLon - lon0) * CELLS_PER_DEGREE) + 1,
    height: Math.ceil((maxLat - lat0) * CELLS_PER_DEGREE) + 1,
    aspect: Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180),
  };
}

/** Scanline fill, even-odd over all of the region's rings; a cell already taken stays with the first region. */
function rasterise(lattice: Lattice, polygons: readonly Polygon[], owner: Int16Array, region: number): void {
  const crossings: number[][] = Array.from({ length: lattice.height }, () => []);
  for (const ring of polygons.flat()) {
    for (let k = 0; k + 1 < ring.length; k++) {
      const [ax, ay] = ring[k];
      const [bx, by] = ring[k + 1];
      // Rows whose centre line y = lat0 + (j + 0.5) / R lies in [min(ay, by), max(ay, by)).
      const from = Math.ceil((Math.min(ay, by) - lattice.lat0) * CELLS_PER_DEGREE - 0.5);
      const to = Math.ceil((Math.max(ay, by) - lattice.lat0) * CELLS_PER_DEGREE - 0.5);
      for (let j = Math.max(0, from); j < Math.min(lattice.height, to); j++) {
        const y = lattice.lat0 + (j + 0.5) / CELLS_PER_DEGREE;
        crossings[j]?.push(ax + ((y - ay) * (bx - ax)) / (by - ay));
      }
    }
  }
  crossings.forEach((xs, j) => {
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const first = Math.max(0, Math.ceil(((xs[k]) - lattice.lon0) * CELLS_PER_DEGREE - 0.5));
      const end = Math.min(lattice.width, Math.ceil(((xs[k + 1]) - lattice.lon0) * CELLS_PER_DEGREE - 0.5));
      for (let i = first; i < end; i++) if (owner[j * lattice.width + i] === -1) owner[j * lattice.width + i] = region;
    }
  });
}

/**
 * Pieces of a region too small for a grid of their own, and cells inside the
 * city that no outline holds (slivers the outlines' own generalisation left
 * between districts), go to the region next to them: every point inside the
 * city's outline then lies in some grid. Cells reachable from the lattice's
 * border without crossing a region stay outside.
 */
function settleSlivers(lattice: Lattice, owner: Int16Array, regions: readonly RegionToTile[], scratch: Scratch): void {
  const { width, height } = lattice;
  const byRegion = cellsByRegion(owner, regions.length);
  regions.forEach((region, r) => {
    const cells = byRegion[r];
    for (const piece of piecesOf(lattice, cells, owner, scratch)) {
      if (piece.length < (cells.length / region.grids) * LEAST_PIECE) for (const c of piece) owner[c] = -1;
    }
  });
  const border: number[] = [];
  for (let c = 0; c < owner.length; c++) {
    const i = c % width;
    if (owner[c] === -1 && (i === 0 || i === width - 1 || c < width || c >= (height - 1) * width)) border.push(c);
  }
  const outside = new Set(piecesOf(lattice, border, owner, scratch).flat());
  const queue: number[] = [];
  for (let c = 0; c < owner.length; c++) if (owner[c] !== -1) queue.push(c);
  for (let k = 0; k < queue.length; k++) {
    const c = queue[k];
    const i = c % width;
    for (const n of [i > 0 ? c - 1 : -1, i < width - 1 ? c + 1 : -1, c - width, c < (height - 1) * width ? c + width : -1]) {
      if (n >= 0 && owner[n] === -1 && !outside.has(n)) {
        owner[n] = owner[c];
        queue.push(n);
      }
    }
  }
}

/** Marks for flood fills, one per cell, told apart by a stamp so that they need no clearing. */
interface Scratch {
  readonly seen: Int32Array;
  stamp: number;
  /** Grid ids handed out so far. */
  grids: number;
}

/** Connected pieces (4-neighbourhood) of `cells`, cells joining when `key` gives them the same value. */
function piecesOf(lattice: Lattice, cells: readonly number[], key: Int16Array | Int32Array, scratch: Scratch): number[][] {
  const { width, height } = lattice;
  const stamp = ++scratch.stamp;
  const { seen } = scratch;
  const pieces: number[][] = [];
  for (const start of cells) {
    if (seen[start] === stamp) continue;
    const value = key[start];
    const piece = [start];
    seen[start] = stamp;
    for (let k = 0; k < piece.length; k++) {
      const c = piece[k];
      const i = c % width;
      const visit = (n: number) => {
        if (seen[n] !== stamp && key[n] === value) {
          seen[n] = stamp;
          piece.push(n);
        }
      };
      if (i > 0) visit(c - 1);
      if (i < width - 1) visit(c + 1);
      if (c >= width) visit(c - width);
      if (c < (height - 1) * width) visit(c + width);
    }
    pieces.push(piece);
  }
  return pieces;
}

function tileRegion(lattice: Lattice, owner: Int16Array, cells: number[], region: number, grids: number, rng: Prng, scratch: Scratch, grid: Int32Array): Tile[] {
  const meanGrid = cells.length / grids;
  const pieces = piecesOf(lattice, cells, owner, scratch).filter((piece) => piece.length >= meanGrid * LEAST_PIECE);
  if (pieces.length === 0 || pieces.length > grids) throw new Error(`region ${region}: ${pieces.length} pieces for ${grids} grids`);
  // Every piece gets a grid; the rest are shared by size, largest remainders first.
  const total = pieces.reduce((sum, piece) => sum + piece.length, 0);
  const shares = pieces.map((piece) => 1 + ((grids - pieces.length) * piece.length) / total);
  const counts = shares.map(Math.floor);
  const byRemainder = shares.map((share, k) => [share - Math.floor(share), k] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; k < grids - counts.reduce((a, b) => a + b, 0); k++) counts[byRemainder[k][1]] += 1;
  return pieces.flatMap((piece, k) => tilePiece(lattice, piece, counts[k], rng, scratch, grid));
}

function tilePiece(lattice: Lattice, piece: number[], count: number, rng: Prng, scratch: Scratch, grid: Int32Array): Tile[] {
  const { width } = lattice;
  const xs = Float64Array.from(piece, (c) => (c % width) * lattice.aspect);
  const ys = Float64Array.from(piece, (c) => Math.floor(c / width));
  // Initial seeds: distinct cells drawn by the seeded generator.
  const order = Uint32Array.from(piece.keys());
  const seedX = new Float64Array(count);
  const seedY = new Float64Array(count);
  for (let s = 0; s < count; s++) {
    const k = s + rng.index(piece.length - s);
    [order[s], order[k]] = [order[k], order[s]];
    seedX[s] = xs[order[s]];
    seedY[s] = ys[order[s]];
  }
  const label = new Int32Array(piece.length);
  for (let iteration = 0; iteration <= LLOYD_ITERATIONS; iteration++) {
    assignNearest(xs, ys, seedX, seedY, label);
    if (iteration === LLOYD_ITERATIONS) break;
    const sumX = new Float64Array(count);
    const sumY = new Float64Array(count);
    const n = new Uint32Array(count);
    label.forEach((s, k) => {
      sumX[s] += xs[k];
      sumY[s] += ys[k];
      n[s] += 1;
    });
    for (let s = 0; s < count; s++) {
      if (n[s] === 0) continue;
      seedX[s] = sumX[s] / n[s];
      seedY[s] = sumY[s] / n[s];
    }
  }
  // Grid ids are unique across the city, handed out piece by piece.
  const base = scratch.grids;
  scratch.grids += count;
  piece.forEach((c, k) => (grid[c] = base + label[k]));
  joinStrayPieces(lattice, piece, grid, [base, base + count], scratch);
  const members: number[][] = Array.from({ length: count }, () => []);
  for (const c of piece) members[grid[c] - base].push(c);
  return members.map((cellsOfGrid, s) => {
    if (cellsOfGrid.length === 0) throw new Error(`grid ${s} of a piece of ${piece.length} cells has no cell`);
    const lon = cellsOfGrid.reduce((sum, c) => sum + (c % width) + 0.5, 0) / cellsOfGrid.length;
    const lat = cellsOfGrid.reduce((sum, c) => sum + Math.floor(c / width) + 0.5, 0) / cellsOfGrid.length;
    const offCentre = (c: number) => ((c % width) + 0.5 - lon) ** 2 + (Math.floor(c / width) + 0.5 - lat) ** 2;
    const middle = cellsOfGrid.reduce((best, c) => (offCentre(c) < offCentre(best) ? c : best));
    const degrees = (i: number, j: number) => [lattice.lon0 + i / CELLS_PER_DEGREE, lattice.lat0 + j / CELLS_PER_DEGREE] as const;
    return {
      centre: degrees(lon, lat),
      inside: degrees((middle % width) + 0.5, Math.floor(middle / width) + 0.5),
      cells: cellsOfGrid.length,
      polygon: traceOutline(lattice, cellsOfGrid, grid, base + s),
    };
  });
}

/** Each cell to its nearest seed, through a bucket grid of the seeds (the first seed wins a tie). */
function assignNearest(xs: Float64Array, ys: Float64Array, seedX: Float64Array, seedY: Float64Array, label: Int32Array): void {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let k = 0; k < xs.length; k++) {
    minX = Math.min(minX, xs[k]);
    maxX = Math.max(maxX, xs[k]);
    minY = Math.min(minY, ys[k]);
    maxY = Math.max(maxY, ys[k]);
  }
  const side = Math.max(1, Math.sqrt(((maxX - minX + 1) * (maxY - minY + 1)) / seedX.length));
  const columns = Math.floor((maxX - minX) / side) + 1;
  const rows = Math.floor((maxY - minY) / side) + 1;
  // Seeds by bucket, as offsets into one array (compressed rows).
  const bucketOfSeed = new Int32Array(seedX.length);
  const start = new Int32Array(columns * rows + 1);
  for (let s = 0; s < seedX.length; s++) {
    const b = clamp(Math.floor((seedY[s] - minY) / side), rows) * columns + clamp(Math.floor((seedX[s] - minX) / side), columns);
    bucketOfSeed[s] = b;
    start[b + 1] += 1;
  }
  for (let b = 0; b < columns * rows; b++) start[b + 1] += start[b];
  const fill = start.slice(0, -1);
  const seeds = new Int32Array(seedX.length);
  for (let s = 0; s < seedX.length; s++) seeds[fill[bucketOfSeed[s]]++] = s;

  for (let k = 0; k < xs.length; k++) {
    const x = xs[k];
    const y = ys[k];
    const bx = clamp(Math.floor((x - minX) / side), columns);
    const by = clamp(Math.floor((y - minY) / side), rows);
    let best = -1;
    let bestDistance = Infinity;
    for (let ring = 0; ; ring++) {
      for (let v = Math.max(0, by - ring); v <= Math.min(rows - 1, by + ring); v++) {
        const edgeRow = v === by - ring || v === by + ring;
        for (let u = Math.max(0, bx - ring); u <= Math.min(columns - 1, bx + ring); u++) {
          if (!edgeRow && u !== bx - ring && u !== bx + ring) continue;
          const b = v * columns + u;
          for (let q = start[b]; q < start[b + 1]; q++) {
            const s = seeds[q];
            const d = (seedX[s] - x) ** 2 + (seedY[s] - y) ** 2;
            if (d < bestDistance || (d === bestDistance && s < best)) {
              bestDistance = d;
              best = s;
            }
          }
        }
      }
      // A seed in a farther ring is at least `ring` buckets away.
      if ((best >= 0 && bestDistance <= (ring * side) ** 2) || (ring > columns && ring > rows)) break;
    }
    label[k] = best;
  }
}

function clamp(value: number, size: number): number {
  return Math.min(size - 1, Math.max(0, value));
}

/**
 * Nearest-seed groups can fall apart where the region is concave; every part
 * but a grid's largest joins the neighbouring grid it shares most edges with.
 */
function joinStrayPieces(lattice: Lattice, cells: readonly number[], grid: Int32Array, ids: readonly [number, number], scratch: Scratch): void {
  const { width, height } = lattice;
  for (let round = 0; round < 10; round++) {
    const pieces = piecesOf(lattice, cells, grid, scratch);
    const largest = new Map<number, number>();
    for (const piece of pieces) largest.set(grid[piece[0]], Math.max(largest.get(grid[piece[0]]) ?? 0, piece.length));
    let moved = false;
    const kept = new Set<number>();
    for (const piece of pieces) {
      const id = grid[piece[0]];
      if (piece.length === largest.get(id) && !kept.has(id)) {
        kept.add(id);
        continue;
      }
      const shared = new Map<number, number>();
      for (const c of piece) {
        const i = c % width;
        for (const n of [i > 0 ? c - 1 : -1, i < width - 1 ? c + 1 : -1, c - width, c < (height - 1) * width ? c + width : -1]) {
          const other = n >= 0 ? grid[n] : -1;
          if (other >= ids[0] && other < ids[1] && other !== id) shared.set(other, (shared.get(other) ?? 0) + 1);
        }
      }
      const target = [...shared].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
      if (target === undefined) continue;
      for (const c of piece) grid[c] = target;
      moved = true;
    }
    if (!moved) return;
  }
  throw new Error('grids did not settle into connected pieces');
}

/**
 * The outline of a 4-connected set of cells: boundary edges with the set on
 * their left, chained into rings (turning right where two cells of the set
 * touch only at a corner, so the outline stays one ring), collinear vertices
 * dropped. Counter-clockwise rings are outer, clockwise ones holes.
 */
function traceOutline(lattice: Lattice, cells: readonly number[], grid: Int32Array, id: number): number[][][] {
  const { width } = lattice;
  const vertex = (i: number, j: number) => j * (width + 1) + i;
  const next = new Map<number, number[]>();
  const edge = (from: number, to: number) => {
    const targets = next.get(from);
    if (targets) targets.push(to);
    else next.set(from, [to]);
  };
  const member = (c: number) => c >= 0 && c < grid.length && grid[c] === id;
  for (const c of cells) {
    const i = c % width;
    const j = (c - i) / width;
    if (!member(c - width)) edge(vertex(i, j), vertex(i + 1, j));
    if (!member(c + 1) || i === width - 1) edge(vertex(i + 1, j), vertex(i + 1, j + 1));
    if (!member(c + width)) edge(vertex(i + 1, j + 1), vertex(i, j + 1));
    if (!member(c - 1) || i === 0) edge(vertex(i, j + 1), vertex(i, j));
  }
  const point = (v: number): [number, number] => [v % (width + 1), Math.floor(v / (width + 1))];
  const rings: [number, number][][] = [];
  for (const start of [...next.keys()].sort((a, b) => a - b)) {
    while ((next.get(start)?.length ?? 0) > 0) {
      const ring: [number, number][] = [];
      let from = start;
      let previous: [number, number] | undefined;
      do {
        const targets = next.get(from) ?? [];
        const here = point(from);
        let pick = 0;
        if (targets.length > 1 && previous !== undefined) {
          // Right turn: the cross product of the incoming and outgoing directions is negative.
          const dx = here[0] - previous[0];
          const dy = here[1] - previous[1];
          pick = targets.findIndex((t) => dx * (point(t)[1] - here[1]) - dy * (point(t)[0] - here[0]) < 0);
          if (pick < 0) pick = 0;
        }
        const to = targets.splice(pick, 1)[0];
        ring.push(here);
        previous = here;
        from = to;
        // A ring through a corner where the set touches itself goes on until every edge leaving its start is used.
      } while (from !== start || (next.get(start)?.length ?? 0) > 0);
      rings.push(dropCollinear(ring));
    }
  }
  const area = (ring: [number, number][]) => ring.reduce((sum, [x0, y0], k) => {
    const [x1, y1] = ring[(k + 1) % ring.length];
    return sum + x0 * y1 - x1 * y0;
  }, 0);
  const outer = rings.filter((ring) => area(ring) > 0);
  if (outer.length !== 1) throw new Error(`a grid outline has ${outer.length} outer rings`);
  const toDegrees = (ring: [number, number][]) => {
    const coordinates = ring.map(([i, j]) => [lattice.lon0 + i / CELLS_PER_DEGREE, lattice.lat0 + j / CELLS_PER_DEGREE]);
    return [...coordinates, coordinates[0]];
  };
  return [toDegrees(outer[0]), ...rings.filter((ring) => area(ring) < 0).map(toDegrees)];
}

function dropCollinear(ring: [number, number][]): [number, number][] {
  return ring.filter((p, k) => {
    const a = ring[(k + ring.length - 1) % ring.length];
    const b = ring[(k + 1) % ring.length];
    return (p[0] - a[0]) * (b[1] - p[1]) - (p[1] - a[1]) * (b[0] - p[0]) !== 0;
  });
}
