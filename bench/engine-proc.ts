/**
 * CPU time and resident memory of the engine process and of PostgreSQL, read
 * from /proc (Linux). PostgreSQL is the postmaster and every backend it has
 * forked: live backends' own time, plus what the postmaster has collected from
 * backends that have exited (cutime/cstime).
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

/** Clock ticks per second of /proc's time fields (USER_HZ; 100 on every Linux that Node supports). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  readonly ppid: number;
  /** utime + stime, in ticks. */
  readonly own: number;
  /** cutime + cstime: reaped children, in ticks. */
  readonly children: number;
}

async function readStat(pid: number): Promise<ProcStat | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces: the fields that follow start after its ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, stime 15, cutime 16, cstime 17.
  return {
    ppid: Number(fields[1]),
    own: Number(fields[11]) + Number(fields[12]),
    children: Number(fields[13]) + Number(fields[14]),
  };
}

/** CPU seconds of one process (all its threads). */
export async function processCpuSeconds(pid: number): Promise<number> {
  const stat = await readStat(pid);
  return stat ? stat.own / TICKS_PER_SECOND : Number.NaN;
}

/** CPU seconds of the PostgreSQL cluster: the postmaster, its live backends and the exited ones. */
export async function postgresCpuSeconds(dataDir: string): Promise<number> {
  const postmaster = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const root = await readStat(postmaster);
  if (!root) return Number.NaN;
  let ticks = root.own + root.children;
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === postmaster) continue;
    const stat = await readStat(pid);
    if (stat?.ppid === postmaster) ticks += stat.own;
  }
  return ticks / TICKS_PER_SECOND;
}

/** Resident set size of one process, in MiB. */
export async function residentMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

export interface CpuSample {
  readonly engine: number;
  readonly postgres: number;
}

export async function sampleCpu(enginePid: number, dataDir: string): Promise<CpuSample> {
  return { engine: await processCpuSeconds(enginePid), postgres: await postgresCpuSeconds(dataDir) };
}

/** CPU milliseconds per unit of work between two samples. */
export function cpuPer(before: CpuSample, after: CpuSample, units: number): CpuSample {
  return { engine: ((after.engine - before.engine) * 1000) / units, postgres: ((after.postgres - before.postgres) * 1000) / units };
}

/**
 * CPU seconds the whole machine was busy (every process, this run's and
 * anyone else's), from the first line of /proc/stat: user, nice, system,
 * irq, softirq and steal; idle and iowait are not busy.
 */
export async function machineBusySeconds(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0];
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + (steal || 0)) / TICKS_PER_SECOND;
}
