/** The machine a benchmark ran on, as its report's first lines give it: figures mean nothing without it. */
import os from 'node:os';

/** `2 × <CPU model>, 24 GiB, Node v24.x`. */
export function describeMachine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** `load average 1.2 1.0 0.8`: how busy the shared machine was when the run started. */
export function describeLoad(): string {
  return `load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`;
}
