import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readGolden } from './golden-file';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'golden-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a missing golden file fails and is not written', () => {
  const file = path.join(dir, 'missing.json');
  expect(() => readGolden(file, { intent: 'CREATED' }, {})).toThrow(/missing\.json is missing.*npm run golden:update/);
  expect(existsSync(file)).toBe(false);
});

test('a golden file is what it holds, whatever the result', () => {
  const file = path.join(dir, 'kept.json');
  writeFileSync(file, '{"intent":"CREATED"}\n');
  expect(readGolden(file, { intent: 'COMPLETED' }, {})).toEqual({ intent: 'CREATED' });
  expect(readFileSync(file, 'utf8')).toBe('{"intent":"CREATED"}\n');
});

test('UPDATE_GOLDEN=1 records the result, new or changed', () => {
  const file = path.join(dir, 'recorded.json');
  expect(readGolden(file, { intent: 'CREATED' }, { UPDATE_GOLDEN: '1' })).toEqual({ intent: 'CREATED' });
  expect(readGolden(file, { intent: 'COMPLETED' }, { UPDATE_GOLDEN: '1' })).toEqual({ intent: 'COMPLETED' });
  expect(readGolden(file, { intent: 'ignored' }, {})).toEqual({ intent: 'COMPLETED' });
});
