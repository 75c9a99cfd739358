import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../config/logger';
import type { ZeebeClient } from '../intake/zeebe-client';

/** The models every event runs through; the decision first, as the process calls it. */
export const PROCESS_FILES = ['route-event.dmn', 'grid-event.bpmn'] as const;

/** Where processes/ lies from this module, in dist/ (compiled) as under jest (sources). */
export function processesDir(): string {
  const fromHere = path.resolve(__dirname, '..', 'processes');
  return path.basename(path.resolve(__dirname, '..')) === 'dist' ? path.resolve(__dirname, '..', '..', 'processes') : fromHere;
}

export type ResourceDeployer = Pick<ZeebeClient, 'deployResource'>;

/**
 * Deploys the models at every start: the engine (as Zeebe) keeps the version
 * of content it already has, so only a changed model becomes a new version.
 */
export async function deployProcesses(zeebe: ResourceDeployer, logger: Logger, dir: string = processesDir()): Promise<void> {
  for (const name of PROCESS_FILES) {
    const content = await readFile(path.join(dir, name));
    if (name.endsWith('.dmn')) await zeebe.deployResource({ name, decision: content });
    else await zeebe.deployResource({ name, process: content });
    logger.info({ resource: name }, `deployed ${name}`);
  }
}
