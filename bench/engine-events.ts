/**
 * bench:engine's event cases: many timers falling due together, and message
 * correlation. Both read their figures from the engine's record log.
 */
import type { Camunda8 } from '@camunda8/sdk';
import type pg from 'pg';

type Zeebe = ReturnType<Camunda8['getZeebeGrpcApiClient']>;

const TIMER_PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="bench-timer-definitions" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="bench-timer" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDate>=dueAt</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

const MESSAGE_PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="bench-message-definitions" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:message id="feedback" name="bench-feedback"><bpmn:extensionElements><zeebe:subscription correlationKey="=eventId" /></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="bench-message" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="feedback" /></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

export interface TimerFigures {
  readonly timers: number;
  readonly createSeconds: number;
  /** How long before the due time the last instance was created; negative: timers fell due while others were still being created. */
  readonly createdAheadSeconds: number;
  /** From the common due time until the last instance completed. */
  readonly drainSeconds: number;
  /** TRIGGERED record time minus due time. */
  readonly lagP50: number;
  readonly lagP99: number;
  readonly early: number;
}

export interface MessageFigures {
  readonly messages: number;
  readonly publishPerSecond: number;
  /** From the first publish until the last instance completed. */
  readonly correlatedPerSecond: number;
}

/** `timers` instances each wait on a timer; all fall due at the same moment. */
export async function runTimerCase(zeebe: Zeebe, pool: pg.Pool, timers: number, inFlight: number): Promise<TimerFigures> {
  const definitionKey = await deploy(zeebe, 'bench-timer', TIMER_PROCESS);
  const started = performance.now();
  // 2 ms per instance: on a loaded machine creation runs at a few hundred per second, and all must wait before the moment.
  const dueAt = new Date(Date.now() + 5_000 + timers * 2).toISOString();
  await inParallel(timers, inFlight, () => zeebe.createProcessInstance({ bpmnProcessId: 'bench-timer', variables: { dueAt } }));
  const createSeconds = (performance.now() - started) / 1000;
  const createdAheadSeconds = (Date.parse(dueAt) - Date.now()) / 1000;
  await untilCompleted(pool, definitionKey, 'bench-timer', timers);
  const drainSeconds = (Date.now() - Date.parse(dueAt)) / 1000;
  const { rows } = await pool.query<{ lag: number }>(
    `select extract(epoch from created_at) * 1000 - (value->>'dueDate')::float8 as lag
       from engine.record where value_type = 'TIMER' and intent = 'TRIGGERED' order by lag`,
  );
  const lags = rows.map((r) => Number(r.lag));
  return {
    timers,
    createSeconds,
    createdAheadSeconds,
    drainSeconds,
    lagP50: percentile(lags, 0.5),
    lagP99: percentile(lags, 0.99),
    early: lags.filter((lag) => lag < 0).length,
  };
}

/** `messages` instances wait for a message each; one message per instance is published. */
export async function runMessageCase(zeebe: Zeebe, pool: pg.Pool, messages: number, inFlight: number): Promise<MessageFigures> {
  const definitionKey = await deploy(zeebe, 'bench-message', MESSAGE_PROCESS);
  await inParallel(messages, inFlight, (n) => zeebe.createProcessInstance({ bpmnProcessId: 'bench-message', variables: { eventId: `e-${n}` } }));
  const started = performance.now();
  await inParallel(messages, inFlight, (n) =>
    zeebe.publishMessage({ name: 'bench-feedback', correlationKey: `e-${n}`, timeToLive: 60_000, variables: { satisfied: true } }),
  );
  const publishSeconds = (performance.now() - started) / 1000;
  await untilCompleted(pool, definitionKey, 'bench-message', messages);
  const allSeconds = (performance.now() - started) / 1000;
  return { messages, publishPerSecond: messages / publishSeconds, correlatedPerSecond: messages / allSeconds };
}

async function inParallel(count: number, inFlight: number, call: (n: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await call(next++);
    }),
  );
}

async function deploy(zeebe: Zeebe, processId: string, xml: string): Promise<string> {
  const deployment = (await zeebe.deployResource({ name: `${processId}.bpmn`, process: Buffer.from(xml) } as never)) as unknown as {
    deployments: Array<{ process?: { processDefinitionKey: string } }>;
  };
  const key = deployment.deployments.find((d) => d.process)?.process?.processDefinitionKey;
  if (key === undefined) throw new Error(`deploying ${processId} returned no process definition key`);
  return key;
}

/**
 * Polls until `count` instances of the definition have completed. The filter is
 * the one the engine's index of end records is made for (definition, element):
 * an unindexed count reads the whole log on every poll, and that PostgreSQL
 * work would compete with the engine for the two cores while it is measured.
 * It goes through the read contract's view, whose definition key is the
 * indexed expression in every schema a compared checkout may have (a field of
 * the record's value before the value became json, a column after).
 */
async function untilCompleted(pool: pg.Pool, definitionKey: string, processId: string, count: number): Promise<void> {
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      `select count(*)::int as n from engine_read.ended_element
        where state = 'COMPLETED' and process_definition_key = $1 and element_id = $2`,
      [definitionKey, processId],
    );
    if (rows[0].n >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}
