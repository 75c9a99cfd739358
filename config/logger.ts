import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config';

export type { Logger };

/**
 * One JSON object per line on stdout (pino's format), written synchronously so
 * the last lines before `process.exit` are not lost.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = { level, base: { pid: process.pid }, formatters: { level: (label: string) => ({ level: label }) } };
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }));
}
