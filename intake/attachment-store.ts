import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { SpooledFile } from './validate-report';

export interface StoredContent {
  /** Lower-case hex SHA-256 of the content. */
  readonly sha256: string;
  /** Where the content lies, relative to the store. */
  readonly storageKey: string;
  /** false when the same content was already there (it is kept once). */
  readonly created: boolean;
}

/** Where attachment contents live; local disk by default, an object store in another implementation. */
export interface AttachmentStore {
  /** Durable when it resolves. A spooled file is taken over (moved into the store, or removed when the content is already there). */
  put(content: Uint8Array | SpooledFile): Promise<StoredContent>;
  /** Removes content this process created and nothing references; absent content is no error. */
  remove(storageKey: string): Promise<void>;
  /** The content stored under the key. */
  read(storageKey: string): Promise<Buffer>;
}

export function sha256Hex(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * Content-addressed files under one directory: `ab/cd/abcd…` by SHA-256, so
 * the same photo sent twice is stored once. A file is written to a temporary
 * name, fsynced, renamed into place and its directory fsynced: after `put`
 * resolves it survives a crash, and a crash before leaves no half file under
 * a content name.
 */
export class LocalAttachmentStore implements AttachmentStore {
  private readonly tmpDir: string;

  constructor(private readonly root: string) {
    this.tmpDir = path.join(root, 'tmp');
  }

  /** Where a channel spools uploads: beside the store's own temporary files, so taking one over is a rename. */
  get spoolDir(): string {
    return this.tmpDir;
  }

  async put(content: Uint8Array | SpooledFile): Promise<StoredContent> {
    const spooled = content instanceof Uint8Array ? undefined : content;
    const sha256 = spooled?.sha256 ?? sha256Hex(content as Uint8Array);
    const storageKey = `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
    const target = this.pathOf(storageKey);
    if (await exists(target)) {
      if (spooled) await rm(spooled.path, { force: true });
      return { sha256, storageKey, created: false };
    }

    await mkdir(this.tmpDir, { recursive: true });
    await mkdir(path.dirname(target), { recursive: true });
    const temp = spooled?.path ?? path.join(this.tmpDir, `${sha256}.${randomBytes(6).toString('hex')}`);
    try {
      const file = await open(temp, spooled ? 'r+' : 'wx', 0o640);
      try {
        if (!spooled) await file.writeFile(content as Uint8Array);
        await file.sync();
      } finally {
        await file.close();
      }
      // Same content under the same name: a concurrent writer's rename is harmless.
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    await syncDirectory(path.dirname(target));
    return { sha256, storageKey, created: true };
  }

  async remove(storageKey: string): Promise<void> {
    await unlink(this.pathOf(storageKey)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  read(storageKey: string): Promise<Buffer> {
    return readFile(this.pathOf(storageKey));
  }

  pathOf(storageKey: string): string {
    if (!/^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(storageKey)) throw new Error(`not a storage key: ${storageKey}`);
    return path.join(this.root, storageKey);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/** A rename is durable only once its directory entry is. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
