import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'import-cycle-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

/** The cycle messages the rule reports in one file of `dir`. */
async function cyclesIn(name: string): Promise<string[]> {
  const { default: plugin } = await import('./no-import-cycle.mjs');
  const linter = new Linter({ configType: 'flat', cwd: dir });
  const file = path.join(dir, name);
  const messages = linter.verify(
    readFileSync(file, 'utf8'),
    [{ files: ['**/*.ts'], plugins: { local: plugin }, rules: { 'local/no-import-cycle': 'error' }, languageOptions: { parser: tseslint.parser } }],
    { filename: file },
  );
  return messages.map((message) => `${message.line}: ${message.message}`);
}

test('a circle of type-only imports is a cycle, reported with its way round', async () => {
  write({
    'a.ts': "import type { B } from './b';\nexport type A = { b?: B };\n",
    'b.ts': "import type { C } from './c.js';\nexport type B = { c?: C };\n",
    'c.ts': "import { type A } from './a';\nexport type C = { a?: A };\n",
  });
  expect(await cyclesIn('a.ts')).toEqual(['1: Import cycle: a.ts → b.ts → c.ts → a.ts']);
  expect(await cyclesIn('c.ts')).toEqual(['1: Import cycle: c.ts → a.ts → b.ts → c.ts']);
});

test('re-exports, dynamic imports and index files close cycles too', async () => {
  write({
    'lib/index.ts': "export { helper } from './helper';\n",
    'lib/helper.ts': "export const helper = () => import('../main');\n",
    'main.ts': "import { helper } from './lib';\nexport const run = helper;\n",
  });
  expect(await cyclesIn('main.ts')).toEqual(['1: Import cycle: main.ts → lib/index.ts → lib/helper.ts → main.ts']);
});

test('one-way imports, packages and a module importing itself are not cycles', async () => {
  write({
    'a.ts': "import path from 'node:path';\nimport { b } from './b';\nexport const a = () => b + path.sep;\n",
    'b.ts': "import type { Self } from './b';\nexport const b = 'b';\nexport type Self = string;\n",
  });
  expect(await cyclesIn('a.ts')).toEqual([]);
  expect(await cyclesIn('b.ts')).toEqual([]);
});
