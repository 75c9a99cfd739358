/** Resident memory of processes as Linux shows it in /proc (VmRSS), by PID or by what they run. */
import { readdir, readFile } from 'node:fs/promises';

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly argv: readonly string[];
  /** Resident set size in bytes. */
  readonly rss: number;
}

/**
 * Proportional set size in bytes (smaps_rollup): shared pages divided among
 * the processes sharing them, so PostgreSQL's shared buffers count once
 * across its backends instead of once per backend.
 */
export async function pssOf(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  const pss = /^Pss:\s+(\d+) kB/m.exec(text);
  return pss === null ? 0 : Number(pss[1]) * 1024;
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
