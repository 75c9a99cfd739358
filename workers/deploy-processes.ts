import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../config/logger';
import type { ZeebeClient } from '../intake/zeebe-client';

/** The models every event runs through; the decision first, as the process calls it. */
export const PROCESS_FILES = ['route-event.dmn', 'grid-event.bpmn'] as const;

/** The Camunda Forms of the user tasks, under processes/forms/, deployed before the process that uses them. */
export const FORMS_DIR = 'forms';

/** The form files of `dir`/forms, by name. */
export async function formFiles(dir: string = processesDir()): Promise<string[]> {
  const names = await readdir(path.join(dir, FORMS_DIR)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return names.filter((name) => name.endsWith('.form')).sort();
}

/** Where processes/ lies from this module, in dist/ (compiled) as under jest (sources). */
export function processesDir(): string {
  const fromHere = path.resolve(__dirname, '..', 'processes');
  return path.basename(path.resolve(__dirname, '..')) === 'dist' ? path.resolve(__dirname, '..', '..', 'processes') : fromHere;
}

export type ResourceDeployer = Pick<ZeebeClient, 'deployResource' | 'deployResources'>;

/** What a deployment answers about one resource, whichever kind it is. */
interface Deployed {
  readonly process?: { readonly processDefinitionKey: string; readonly version: number };
  readonly decision?: { readonly decisionKey: string; readonly version: number };
  readonly decisionRequirements?: { readonly decisionRequirementsKey: string; readonly version: number };
  readonly form?: { readonly formKey: string; readonly version: number; readonly resourceName: string };
}

/**
 * Deploys the models at every start: the engine (as Zeebe) keeps the version
 * of content it already has, so only a changed model becomes a new version.
 * A new version's key is drawn after the deployment's own, a kept one's long
 * before it: that tells the log which happened.
 */
export async function deployProcesses(zeebe: ResourceDeployer, logger: Logger, dir: string = processesDir()): Promise<void> {
  // Forms first, all in one deployment: a user task's form must be there by the time the process can reach the task.
  const forms = await formFiles(dir);
  if (forms.length > 0) {
    const resources = await Promise.all(forms.map(async (name) => ({ name, form: await readFile(path.join(dir, FORMS_DIR, name)) })));
    const response = await zeebe.deployResources(resources);
    const deployed = (response.deployments as readonly Deployed[]).flatMap((d) => (d.form ? [d.form] : []));
    for (const name of forms) {
      const form = deployed.find((f) => f.resourceName === name);
      if (form === undefined) throw new Error(`the deployment of the forms answered nothing for ${name}`);
      const fresh = BigInt(form.formKey) > BigInt(response.key);
      logger.info({ resource: name, version: form.version, deploymentKey: response.key }, fresh ? `deployed ${name} (version ${form.version})` : `${name} unchanged (version ${form.version})`);
    }
  }
  for (const name of PROCESS_FILES) {
    const content = await readFile(path.join(dir, name));
    const response = name.endsWith('.dmn') ? await zeebe.deployResource({ name, decision: content }) : await zeebe.deployResource({ name, process: content });
    const { fresh, version } = outcomeOf(response.key, response.deployments);
    logger.info({ resource: name, version, deploymentKey: response.key }, fresh ? `deployed ${name} (version ${version})` : `${name} unchanged (version ${version})`);
  }
}

function outcomeOf(deploymentKey: string, deployments: readonly Deployed[]): { fresh: boolean; version: number } {
  const parts = deployments.flatMap((deployed) => {
    if (deployed.process) return [{ key: deployed.process.processDefinitionKey, version: deployed.process.version }];
    if (deployed.decisionRequirements) return [{ key: deployed.decisionRequirements.decisionRequirementsKey, version: deployed.decisionRequirements.version }];
    if (deployed.decision) return [{ key: deployed.decision.decisionKey, version: deployed.decision.version }];
    return [];
  });
  return {
    fresh: parts.some((part) => BigInt(part.key) > BigInt(deploymentKey)),
    version: Math.max(0, ...parts.map((part) => part.version)),
  };
}
