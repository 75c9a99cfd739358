import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What a golden file holds, to compare `actual` with. The file is written only
 * when recording is asked for (UPDATE_GOLDEN=1, `npm run golden:update`); a
 * missing file otherwise fails, so a test never passes by comparing a result
 * with itself.
 */
export function readGolden(file: string, actual: unknown, env: NodeJS.ProcessEnv = process.env): unknown {
  if (env.UPDATE_GOLDEN === '1') {
    writeFileSync(file, `${JSON.stringify(actual, null, 1)}\n`);
  } else if (!existsSync(file)) {
    throw new Error(`golden file ${path.basename(file)} is missing: record it with npm run golden:update, review it and commit it`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}
