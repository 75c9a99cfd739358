/**
 * The pre-change checkout that bench:engine compares against in the same run:
 * the files of a commit (`git archive`, so the repository's worktrees and
 * branches are left as they are) unpacked into a temporary directory, this
 * checkout's node_modules linked in, and built with its own tsconfig.
 * The directory is kept between runs, keyed by the commit, so a second run
 * starts at once.
 */
import { execFile } from 'node:child_process';
import { access, mkdir, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** main's last commit before the engine's write path, FEEL and gateway changes. */
export const DEFAULT_BASE = '18ff3f9';

export interface Checkout {
  readonly label: string;
  /** The directory holding dist/main.js. */
  readonly root: string;
}

export async function prepareBase(repository: string, commit: string): Promise<Checkout> {
  const { stdout } = await run('git', ['-C', repository, 'rev-parse', '--short', `${commit}^{commit}`]);
  const short = stdout.trim();
  const root = path.join(os.tmpdir(), `grid-dispatch-base-${short}`);
  if (!(await exists(path.join(root, 'dist', 'main.js')))) {
    await rm(root, { recursive: true, force: true });
    await mkdir(root, { recursive: true });
    await run('sh', ['-c', `git -C "${repository}" archive "${short}" | tar -x -C "${root}"`]);
    await linkModules(repository, root);
    await run(process.execPath, [path.join(repository, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root });
  } else {
    // A kept build may link to the modules of a checkout that is gone since.
    await linkModules(repository, root);
  }
  return { label: `base ${short}`, root };
}

async function linkModules(repository: string, root: string): Promise<void> {
  const link = path.join(root, 'node_modules');
  await rm(link, { force: true });
  await symlink(path.join(repository, 'node_modules'), link);
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
