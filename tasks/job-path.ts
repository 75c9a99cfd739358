import { BpmnModdle } from 'bpmn-moddle';
import zeebeDescriptor from 'zeebe-bpmn-moddle/resources/zeebe.json';
import type { Logger } from '../config/logger';
import { NO_WAIT, type EngineRest } from './engine-rest';

/**
 * Whether the task list still needs to take `io.camunda.zeebe:userTask`
 * jobs: only while a deployed process that has job-based user tasks (a
 * bpmn:userTask without zeebe:userTask) has active instances. Asked of the
 * engine through REST v2 — process definition search and XML, process
 * instance search by definition key — as a Camunda 8.8 cluster answers it.
 * What a definition holds never changes, so each is read once.
 */
export class JobPath {
  private readonly jobBased = new Map<string, boolean>();

  constructor(private readonly rest: Pick<EngineRest, 'searchProcessDefinitions' | 'getProcessDefinitionXml' | 'searchProcessInstances'>) {}

  async needed(): Promise<boolean> {
    const keys = await this.jobBasedDefinitions();
    if (keys.length === 0) return false;
    const found = await this.rest.searchProcessInstances(
      { filter: { processDefinitionKey: { $in: keys as never[] }, state: 'ACTIVE' }, page: { limit: 1 } },
      NO_WAIT,
    );
    return found.items.length > 0;
  }

  /** Keys of deployed process definitions with job-based user tasks. */
  async jobBasedDefinitions(): Promise<string[]> {
    const keys: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.rest.searchProcessDefinitions({ page: { limit: 100, ...(after !== undefined && { after: after as never }) } }, NO_WAIT);
      const items = page.items ?? [];
      for (const definition of items) {
        if (definition.processDefinitionKey === undefined) continue;
        const key = String(definition.processDefinitionKey);
        let jobBased = this.jobBased.get(key);
        if (jobBased === undefined) {
          const xml = await this.rest.getProcessDefinitionXml({ processDefinitionKey: definition.processDefinitionKey }, NO_WAIT);
          jobBased = await hasJobBasedUserTasks(String(xml), String(definition.processDefinitionId));
          this.jobBased.set(key, jobBased);
        }
        if (jobBased) keys.push(key);
      }
      const next = page.page.endCursor;
      if (items.length < 100 || next === undefined || next === null) return keys;
      after = String(next);
    }
  }
}

let moddle: BpmnModdle | undefined;

/** Whether the process `processId` of the document has a user task that is not a Camunda user task. */
export async function hasJobBasedUserTasks(xml: string, processId: string): Promise<boolean> {
  moddle ??= new BpmnModdle({ zeebe: zeebeDescriptor });
  const { rootElement } = await moddle.fromXML(xml, 'bpmn:Definitions');
  const process = ((rootElement as Element).rootElements ?? []).find((root) => root.$type === 'bpmn:Process' && root.id === processId);
  const visit = (elements: readonly Element[]): boolean =>
    elements.some(
      (element) =>
        (element.$type === 'bpmn:UserTask' && !(element.extensionElements?.values ?? []).some((value) => value.$type === 'zeebe:UserTask')) ||
        visit(element.flowElements ?? []),
    );
  return process !== undefined && visit(process.flowElements ?? []);
}

interface Element {
  readonly $type: string;
  readonly id?: string;
  readonly rootElements?: readonly Element[];
  readonly flowElements?: readonly Element[];
  readonly extensionElements?: { readonly values?: readonly Element[] };
}

export interface JobPathGateOptions {
  readonly jobPath: Pick<JobPath, 'needed'>;
  readonly logger: Logger;
  /** How often the engine is asked again. */
  readonly intervalMs: number;
  start(): void;
  stop(): Promise<void>;
}

export interface RunningJobPathGate {
  /** Whether the job-based worker runs now. */
  readonly active: boolean;
  /** Asks the engine now and starts or stops the worker. */
  check(): Promise<boolean>;
  stop(): Promise<void>;
}

/** Starts the job-based worker while it is needed and stops it when no job-based instance is left. */
export function startJobPathGate(options: JobPathGateOptions): RunningJobPathGate {
  const logger = options.logger.child({ component: 'job-path' });
  let active = false;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<boolean> | undefined;

  const decide = async (): Promise<boolean> => {
    let needed: boolean;
    try {
      needed = await options.jobPath.needed();
    } catch (error) {
      // Unknown: keep the worker as it is.
      logger.warn({ err: error }, 'could not tell whether job-based user tasks are still running');
      return active;
    }
    if (needed && !active && !stopping) {
      options.start();
      active = true;
      logger.info('job-based user tasks are running: taking io.camunda.zeebe:userTask jobs');
    } else if (!needed && active) {
      active = false;
      await options.stop();
      logger.info('no job-based user task is left running: no longer taking io.camunda.zeebe:userTask jobs');
    }
    return active;
  };

  const check = (): Promise<boolean> => {
    current ??= decide().finally(() => {
      current = undefined;
    });
    return current;
  };

  const schedule = (): void => {
    if (stopping) return;
    timer = setTimeout(() => void check().finally(schedule), options.intervalMs);
  };

  const gate: RunningJobPathGate = {
    get active() {
      return active;
    },
    check,
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      await current?.catch(() => undefined);
      if (active) {
        active = false;
        await options.stop();
      }
    },
  };
  void check().finally(schedule);
  return gate;
}
