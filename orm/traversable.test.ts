import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../config/logger';
import { ensureTraversable } from './traversable';

const logger = createLogger('silent');

describe('ensureTraversable', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'traversable-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('adds o+x to the directory and its private parents, and nothing else', async () => {
    const target = path.join(root, 'private', 'data');
    await mkdir(target, { recursive: true });
    await chmod(path.join(root, 'private'), 0o700);
    await chmod(target, 0o750);

    await ensureTraversable(target, logger);

    expect((await stat(path.join(root, 'private'))).mode & 0o777).toBe(0o701);
    expect((await stat(target)).mode & 0o777).toBe(0o751);
  });

  it('leaves directories that are already traversable alone', async () => {
    await chmod(root, 0o755);
    await ensureTraversable(root, logger);
    expect((await stat(root)).mode & 0o777).toBe(0o755);
  });

  it('fails with a message naming the directory when it does not exist', async () => {
    await expect(ensureTraversable(path.join(root, 'missing'), logger)).rejects.toThrow(/missing/);
  });
});
