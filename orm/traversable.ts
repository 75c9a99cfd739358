import { chmod, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../config/logger';

/**
 * Makes `dir` and every directory above it searchable by other users (o+x),
 * because PostgreSQL refuses to run as root and runs as OS user `postgres`,
 * which must reach both its data directory and its binaries. A checkout under
 * a private directory such as /root is the usual case. Only the search bit is
 * added: nothing becomes listable or readable that was not before.
 */
export async function ensureTraversable(dir: string, logger: Logger): Promise<void> {
  for (const current of selfAndAncestors(path.resolve(dir))) {
    const { mode } = await stat(current);
    if ((mode & 0o001) !== 0) continue;
    try {
      await chmod(current, (mode & 0o7777) | 0o001);
    } catch (error) {
      throw new Error(
        `PostgreSQL runs as OS user "postgres", which cannot reach ${current} ` +
          `(mode ${(mode & 0o777).toString(8)}) and it could not be fixed (${(error as Error).message}); ` +
          `run "chmod o+x ${current}" or choose a DATA_DIR outside it`,
        { cause: error },
      );
    }
    logger.warn({ path: current }, `made ${current} traversable (o+x) for OS user postgres`);
  }
}

function selfAndAncestors(dir: string): string[] {
  const result = [dir];
  for (let current = dir; path.dirname(current) !== current; ) {
    current = path.dirname(current);
    result.push(current);
  }
  return result;
}
