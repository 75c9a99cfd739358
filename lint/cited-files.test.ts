/**
 * The project's docs and comments cite only documents that are in the
 * repository: a reader cannot follow a reference to a file they do not have.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const SKIPPED = new Set(['node_modules', 'dist', '.data', '.git']);
const CITING = /\.(md|ts|mjs|js|bpmn|dmn|yml|yaml)$/;
/** A Markdown file named in text: `processes/README.md`, `../README.md`. */
const CITED = /(?<![\w/.-])([\w./-]*[\w-]+\.md)\b/g;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return CITING.test(entry.name) ? [full] : [];
  });
}

test('every Markdown file a doc or comment names exists, beside it or from the root', () => {
  const missing = filesUnder(ROOT).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(CITED)]
      .map((match) => match[1])
      .filter((cited) => !existsSync(path.resolve(path.dirname(file), cited)) && !existsSync(path.resolve(ROOT, cited)))
      .map((cited) => `${path.relative(ROOT, file)}: ${cited}`),
  );
  expect([...new Set(missing)]).toEqual([]);
});
