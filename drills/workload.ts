/**
 * A drill's load: process instances of a two-step model created at a steady
 * pace through the Zeebe gateway, workers completing both steps, and a prober
 * of /readyz. It records what was acknowledged, what was refused and how.
 */
import pg from 'pg';
import { connectZeebe, type ZeebeClient } from '../intake/zeebe-client';
import { sleep } from './harness';

export const DRILL_PROCESS = 'drill-two-steps';

/** Retries far above what an outage costs: a step failed by a refused completion must not end in an incident. */
const MODEL = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="drill" targetNamespace="http://grid-dispatch.invalid/drill">
  <bpmn:process id="${DRILL_PROCESS}" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="step-a"><bpmn:extensionElements><zeebe:taskDefinition type="drill-a" retries="1000" /></bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:serviceTask id="step-b"><bpmn:extensionElements><zeebe:taskDefinition type="drill-b" retries="1000" /></bpmn:extensionElements><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="step-a" />
    <bpmn:sequenceFlow id="f2" sourceRef="step-a" targetRef="step-b" />
    <bpmn:sequenceFlow id="f3" sourceRef="step-b" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

export interface InstanceStream {
  readonly acknowledged: Set<string>;
  /** gRPC status codes of refused creations, counted. */
  readonly refusals: Map<string, number>;
  /** When the first creation after the first refusal since `markOutage()` was acknowledged. */
  firstAcknowledgedAfterOutage(): number | undefined;
  markOutage(): void;
  stop(): Promise<void>;
}

export async function deployDrillModel(zeebe: ZeebeClient): Promise<void> {
  await zeebe.deployResource({ name: 'drill-two-steps.bpmn', process: Buffer.from(MODEL) });
}

/** `producers` loops creating instances, each pausing `pauseMs` between calls and after a refusal. */
export function streamInstances(gatewayPort: number, producers = 4, pauseMs = 20): InstanceStream {
  const zeebe = connectZeebe(`127.0.0.1:${gatewayPort}`);
  const acknowledged = new Set<string>();
  const refusals = new Map<string, number>();
  let stopped = false;
  let outageAt: number | undefined;
  let recoveredAt: number | undefined;
  let refusedSinceOutage = false;
  const loops = Array.from({ length: producers }, async () => {
    while (!stopped) {
      try {
        const created = await zeebe.createProcessInstance({ bpmnProcessId: DRILL_PROCESS, variables: {} });
        acknowledged.add(String(created.processInstanceKey));
        if (refusedSinceOutage && recoveredAt === undefined) recoveredAt = Date.now();
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        const key = typeof code === 'number' || typeof code === 'string' ? String(code) : 'none';
        refusals.set(key, (refusals.get(key) ?? 0) + 1);
        if (outageAt !== undefined) refusedSinceOutage = true;
      }
      await sleep(pauseMs);
    }
  });
  return {
    acknowledged,
    refusals,
    firstAcknowledgedAfterOutage: () => recoveredAt,
    markOutage: () => {
      outageAt = Date.now();
      recoveredAt = undefined;
      refusedSinceOutage = false;
    },
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
      await zeebe.close();
    },
  };
}

/** Workers for both steps; a refused completion is left to the job's time-out. */
export function startDrillWorkers(gatewayPort: number): { stop(): Promise<void> } {
  const zeebe = connectZeebe(`127.0.0.1:${gatewayPort}`);
  const workers = ['drill-a', 'drill-b'].map((taskType) =>
    zeebe.createWorker({ taskType, taskHandler: (job) => job.complete(), maxJobsToActivate: 32, timeout: 5_000, pollInterval: 100 }),
  );
  return {
    stop: async () => {
      for (const worker of workers) await worker.close();
      await zeebe.close();
    },
  };
}

export interface ReadinessProbe {
  /** HTTP status of each answer (`refused` when the connection was refused), counted. */
  readonly answers: Map<string, number>;
  stop(): Promise<void>;
}

/** GET /readyz every `intervalMs`. */
export function probeReadiness(apiUrl: string, intervalMs = 250): ReadinessProbe {
  const answers = new Map<string, number>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      let answer: string;
      try {
        const response = await fetch(`${apiUrl}/readyz`, { signal: AbortSignal.timeout(5_000) });
        answer = String(response.status);
        await response.arrayBuffer();
      } catch {
        answer = 'refused';
      }
      answers.set(answer, (answers.get(answer) ?? 0) + 1);
      await sleep(intervalMs);
    }
  })();
  return {
    answers,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** Process instance key → how many times the instance completed, from the engine's record log. */
export async function completions(databaseUrl: string, bpmnProcessId = DRILL_PROCESS): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ key: string; completions: number }>(
      `select process_instance_key::text as key, count(*)::int as completions
         from engine.record
        where value_type = 'PROCESS_INSTANCE' and intent = 'ELEMENT_COMPLETED'
          and value->>'bpmnElementType' = 'PROCESS' and value->>'bpmnProcessId' = $1
        group by process_instance_key`,
      [bpmnProcessId],
    );
    return new Map(rows.map((row) => [row.key, row.completions]));
  } finally {
    await client.end();
  }
}

export function formatCounts(counts: ReadonlyMap<string, number>): string {
  return [...counts].map(([key, count]) => `${key}×${count}`).join(', ') || 'none';
}

export interface GraphQLProbe {
  /** How each answer ended: `ok`, or `<HTTP status> <extensions.code>` of its first error, or `no answer`; counted. */
  readonly answers: Map<string, number>;
  /** Answers to questions asked while the drill said the database was away (between `markOutage()` and `markRecovered()`). */
  readonly duringOutage: Map<string, number>;
  /** Whether every SERVICE_UNAVAILABLE came with a retry hint (extensions.retryAfterSeconds and, with HTTP 503, Retry-After). */
  readonly hintsMissing: number;
  /** When the first `ok` after `markRecovered()` came. */
  firstOkAfterRecovery(): number | undefined;
  markOutage(): void;
  markRecovered(): void;
  stop(): Promise<void>;
}

const EVENTS_QUERY = '{ events(first: 1) { edges { node { id } } } }';

/** A person's GraphQL client asking for their events every `intervalMs`, as the task list page does; it reads what an outage answers. */
export function probeGraphQL(apiUrl: string, token: string, intervalMs = 250): GraphQLProbe {
  const answers = new Map<string, number>();
  const duringOutage = new Map<string, number>();
  let hintsMissing = 0;
  let stopped = false;
  let inOutage = false;
  let recovered = false;
  let okAfter: number | undefined;
  const count = (answer: string, askedDuringOutage: boolean, askedAfterRecovery: boolean): void => {
    answers.set(answer, (answers.get(answer) ?? 0) + 1);
    if (askedDuringOutage) duringOutage.set(answer, (duringOutage.get(answer) ?? 0) + 1);
    if (answer === 'ok' && askedAfterRecovery && okAfter === undefined) okAfter = Date.now();
  };
  const loop = (async () => {
    while (!stopped) {
      // An answer counts for the phase its question was asked in: one asked before the fault may be answered during it.
      const [askedDuringOutage, askedAfterRecovery] = [inOutage, recovered];
      try {
        const response = await fetch(`${apiUrl}/graphql`, {
          method: 'POST',
          signal: AbortSignal.timeout(10_000),
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: EVENTS_QUERY }),
        });
        const body = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string; retryAfterSeconds?: unknown } }[] };
        const error = body.errors?.[0];
        if (error === undefined) {
          count('ok', askedDuringOutage, askedAfterRecovery);
        } else {
          const code = error.extensions?.code ?? 'no code';
          if (code === 'SERVICE_UNAVAILABLE' && (typeof error.extensions?.retryAfterSeconds !== 'number' || (response.status === 503 && response.headers.get('retry-after') === null))) hintsMissing++;
          count(`${response.status} ${code}`, askedDuringOutage, askedAfterRecovery);
        }
      } catch {
        count('no answer', askedDuringOutage, askedAfterRecovery);
      }
      await sleep(intervalMs);
    }
  })();
  return {
    answers,
    duringOutage,
    get hintsMissing() {
      return hintsMissing;
    },
    firstOkAfterRecovery: () => okAfter,
    markOutage: () => {
      inOutage = true;
    },
    markRecovered: () => {
      inOutage = false;
      recovered = true;
    },
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}
