/** Resident memory of processes as Linux shows it in /proc (VmRSS), by PID or by what they run. */
import { readdir, readFile } from 'node:fs/promises';

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly argv: readonly string[];
  /** Resident set size in bytes. */
  readonly rss: number;
}

export async function listProcesses(): Promise<ProcessInfo[]> {
  const found: ProcessInfo[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const [status, cmdline] = await Promise.all([
      readFile(`/proc/${entry}/status`, 'utf8').catch(() => ''),
      readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => ''),
    ]);
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(status);
    const ppid = /^PPid:\s+(\d+)/m.exec(status);
    if (rss === null || ppid === null) continue;
    found.push({ pid: Number(entry), ppid: Number(ppid[1]), argv: cmdline.split('\0').filter((arg) => arg !== ''), rss: Number(rss[1]) * 1024 });
  }
  return found;
}

/** A process and all its descendants. */
export function withDescendants(all: readonly ProcessInfo[], root: number): ProcessInfo[] {
  const result = all.filter((info) => info.pid === root);
  for (let i = 0; i < result.length; i++) result.push(...all.filter((info) => info.ppid === result[i].pid));
  return result;
}

export const MIB = 1024 * 1024;

/**
 * A process's memory split by what backs it (smaps_rollup, proportional:
 * pages shared between processes are divided among them, so a sum over a
 * process tree counts each page once).
 * - anon: the process's own heap and stacks (copy-on-write pages shared with
 *   a parent since fork divided between them); a leak shows here.
 * - shmem: shared memory it has touched; for PostgreSQL mostly the shared
 *   buffers, which fill up to `shared_buffers` as more of the data is read
 *   and then stay there, not a leak.
 * - file: mapped files (the binary, libraries).
 */
export interface MemorySplit {
  readonly anon: number;
  readonly shmem: number;
  readonly file: number;
}

export async function memorySplitOf(pid: number): Promise<MemorySplit> {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
    return match === null ? 0 : Number(match[1]) * 1024;
  };
  return { anon: field('Pss_Anon'), shmem: field('Pss_Shmem'), file: field('Pss_File') };
}
