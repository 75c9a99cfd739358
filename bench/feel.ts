/**
 * bench:feel — the grid-event process's FEEL expressions, evaluated against
 * the variables an instance has when they run, three ways in one process,
 * rounds alternated:
 *
 * - feelin with all the instance's variables (FEEL as a library is used);
 * - feelin with only the variables the expression reads: how the engine
 *   evaluated every expression before the fast path (each call parses again);
 * - the engine's `evaluate`: bare paths read directly, the plain part of FEEL
 *   through closures compiled once (engine/feel/fast-path.ts), the rest as
 *   above.
 *
 * Prints µs per evaluation for each expression and all of them, and the
 * ratios. BENCH_FEEL_ROUNDS (5) and BENCH_FEEL_EVALUATIONS (20000 per
 * expression and round) size it.
 */
import path from 'node:path';
import { evaluate as feelinEvaluate } from 'feelin';
import { evaluate, type Variables } from '../engine/feel';
import { parseSource } from '../engine/feel/syntax';
import { feelExpressionsOf } from '../processes/feel-expressions';

const ROUNDS = Number(process.env.BENCH_FEEL_ROUNDS ?? 5);
const EVALUATIONS = Number(process.env.BENCH_FEEL_EVALUATIONS ?? 20_000);
const PROCESS = path.join(__dirname, '..', '..', 'processes', 'grid-event.bpmn');

/** An instance of grid-event in its handling phase, after a joint handling and a feedback. */
const VARIABLES: Variables = {
  eventId: '4211',
  category: 'road_damage',
  severity: 'high',
  source: 'citizen',
  collectOutcome: 'ACCEPTED',
  gridCode: '310101001001',
  feedbackTimeout: 'PT72H',
  slaSecondsPerHour: 3600,
  route: { level: 'JOINT', departments: ['roads', 'water'], slaHours: 24, slaClock: 'calendar', priority: 75 },
  assignment: { level: 'JOINT', departments: ['roads', 'water'] },
  returnedDepartments: [],
  returnCount: 0,
  reopenCount: 0,
  priority: 75,
  slaDueAt: '2026-12-05T10:00:00+08:00',
  slaWarnAt: '2026-12-05T05:12:00+08:00',
  department: 'roads',
  outcome: 'RESOLVED',
  jointResults: [
    { department: 'roads', outcome: 'RESOLVED' },
    { department: 'water', outcome: 'RESOLVED' },
  ],
  feedback: { satisfied: true, comment: 'fixed quickly' },
  verified: true,
};

type Way = 'feelin, all variables' | 'feelin, variables read' | 'engine evaluate';
const WAYS: readonly Way[] = ['feelin, all variables', 'feelin, variables read', 'engine evaluate'];

function evaluator(way: Way, source: string): () => unknown {
  switch (way) {
    case 'feelin, all variables':
      return () => feelinEvaluate(source, VARIABLES).value;
    case 'feelin, variables read': {
      const names = parseSource(source).variableNames;
      return () => {
        const read: Record<string, unknown> = {};
        for (const name of names) if (Object.hasOwn(VARIABLES, name)) read[name] = VARIABLES[name];
        return feelinEvaluate(source, read).value;
      };
    }
    case 'engine evaluate': {
      const expression = { kind: 'feel', source } as const;
      return () => evaluate(expression, VARIABLES);
    }
    default: {
      const unknown: never = way;
      throw new Error(`unknown way ${String(unknown)}`);
    }
  }
}

function cpuMicros(run: () => unknown, count: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) run();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

function main(): void {
  const expressions = feelExpressionsOf(PROCESS);
  // Every way gives the same answers, or the comparison means nothing.
  for (const source of expressions) {
    const answers = WAYS.map((way) => JSON.stringify(evaluator(way, source)()));
    if (new Set(answers).size !== 1) throw new Error(`the ways disagree on ${source}: ${answers.join(' / ')}`);
  }
  const micros = new Map<string, Map<Way, number>>(expressions.map((source) => [source, new Map(WAYS.map((way) => [way, 0]))]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? WAYS : [...WAYS].reverse();
    for (const way of order) {
      for (const source of expressions) {
        const spent = micros.get(source)!;
        spent.set(way, spent.get(way)! + cpuMicros(evaluator(way, source), EVALUATIONS));
      }
    }
  }
  const per = (value: number): string => (value / (ROUNDS * EVALUATIONS)).toFixed(2).padStart(8);
  console.log(`bench:feel — ${expressions.length} expressions of processes/grid-event.bpmn, ${ROUNDS} rounds × ${EVALUATIONS} evaluations each; µs of CPU per evaluation`);
  console.log(`${WAYS.map((way) => way.padStart(24)).join('')}   engine / feelin read   expression`);
  const totals = new Map<Way, number>(WAYS.map((way) => [way, 0]));
  for (const source of expressions) {
    const spent = micros.get(source)!;
    for (const way of WAYS) totals.set(way, totals.get(way)! + spent.get(way)!);
    const ratio = spent.get('engine evaluate')! / spent.get('feelin, variables read')!;
    console.log(`${WAYS.map((way) => per(spent.get(way)!).padStart(24)).join('')}   ${ratio.toFixed(3).padStart(20)}×   ${source}`);
  }
  const all = (way: Way): number => totals.get(way)! / expressions.length;
  console.log(`${WAYS.map((way) => per(all(way)).padStart(24)).join('')}   ${(all('engine evaluate') / all('feelin, variables read')).toFixed(3).padStart(20)}×   all, mean per expression`);
}

main();
