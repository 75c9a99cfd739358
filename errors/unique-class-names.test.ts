import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/*
 * A class name names one class in the whole tree: two `NotFoundError`s (one
 * the engine's, one the domain's) once made an `instanceof` check in one
 * layer silently miss the other's errors.
 */

const ROOT = path.resolve(__dirname, '..');
const SKIPPED = new Set(['node_modules', 'dist', '.data', '.git']);
const CLASS = /^\s*(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/gm;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

test('no two classes share a name', () => {
  const where = new Map<string, string[]>();
  for (const file of sources(ROOT)) {
    for (const [, name] of readFileSync(file, 'utf8').matchAll(CLASS)) {
      where.set(name, [...(where.get(name) ?? []), path.relative(ROOT, file)]);
    }
  }
  const duplicates = [...where].filter(([, files]) => files.length > 1);
  expect(duplicates).toEqual([]);
  expect(where.size).toBeGreaterThan(20);
});
