import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileDmn, evaluateDecision, type DecisionRequirements } from '../engine/dmn';
import { CATEGORIES, DEPARTMENTS, type CategoryCode } from '../orm/seed/catalogue';
import { EVENT_SOURCES, SEVERITIES } from '../orm/entities/vocabulary';

/**
 * route-event.dmn against the city's catalogue: every category, at every severity and from
 * every source, is routed by a rule of its own (never the catch-all) to departments that
 * handle that category, with an SLA and a task priority the process can use.
 */
interface Route {
  readonly level: 'GRID' | 'DEPARTMENT' | 'JOINT';
  readonly departments: readonly string[];
  readonly slaHours: number;
  readonly slaClock: 'calendar' | 'working';
  readonly priority: number;
}

const CATCH_ALL = 'Rule_anything_else';
const handlers = (category: string) => DEPARTMENTS.filter((department) => department.categories.includes(category as CategoryCode)).map((d) => d.code);

let drg: DecisionRequirements;
beforeAll(async () => {
  drg = await compileDmn(readFileSync(join(__dirname, 'route-event.dmn'), 'utf8'), 'route-event.dmn');
});

function route(category: string, severity: string, source: string): { route: Route; ruleId: string } {
  const evaluation = evaluateDecision(drg, 'route-event', { category, severity, source });
  expect(evaluation.failure).toBeUndefined();
  const decision = evaluation.evaluatedDecisions.find((d) => d.decisionId === 'route-event')!;
  expect(decision.matchedRules).toHaveLength(1);
  return { route: evaluation.output as Route, ruleId: decision.matchedRules[0].ruleId };
}

describe('route-event.dmn', () => {
  it('holds route-event and the standard SLA it requires', () => {
    expect([...drg.decisions.keys()].sort()).toEqual(['route-event', 'standardSla']);
  });

  const combinations = Object.keys(CATEGORIES).flatMap((category) =>
    SEVERITIES.flatMap((severity) => EVENT_SOURCES.map((source) => [category, severity, source] as const)),
  );

  it(`routes all ${combinations.length} category, severity and source combinations to departments that handle the category`, () => {
    const wrong: string[] = [];
    for (const [category, severity, source] of combinations) {
      const { route: result, ruleId } = route(category, severity, source);
      const at = `${category}/${severity}/${source} (${ruleId})`;
      if (ruleId === CATCH_ALL) wrong.push(`${at}: only the catch-all rule matched`);
      const expectedCount = { GRID: (n: number) => n === 0, DEPARTMENT: (n: number) => n === 1, JOINT: (n: number) => n >= 2 }[result.level];
      if (!expectedCount?.(result.departments.length)) wrong.push(`${at}: level ${result.level} with departments ${JSON.stringify(result.departments)}`);
      const strangers = result.departments.filter((code) => !handlers(category).includes(code));
      if (strangers.length > 0) wrong.push(`${at}: ${strangers.join(', ')} do not handle ${category}`);
      if (new Set(result.departments).size !== result.departments.length) wrong.push(`${at}: a department twice`);
      if (!(result.slaHours > 0)) wrong.push(`${at}: SLA ${result.slaHours} hours`);
      if (!['calendar', 'working'].includes(result.slaClock)) wrong.push(`${at}: SLA clock ${JSON.stringify(result.slaClock)}`);
      // Urgent events are not left waiting over a night, a weekend or a holiday.
      if ((severity === 'critical' || severity === 'high') && result.slaClock !== 'calendar') wrong.push(`${at}: a ${severity} event counted in working hours`);
      if (!Number.isInteger(result.priority) || result.priority < 0 || result.priority > 100) wrong.push(`${at}: priority ${result.priority}`);
    }
    expect(wrong).toEqual([]);
  });

  it('gives more severe events shorter SLAs and higher priorities under the standard SLA', () => {
    const standard = (severity: string) => route('road_damage', severity, 'citizen_app').route;
    expect(['low', 'medium', 'high', 'critical'].map((severity) => standard(severity).slaHours)).toEqual([35, 21, 24, 4]);
    expect(['low', 'medium', 'high', 'critical'].map((severity) => standard(severity).slaClock)).toEqual(['working', 'working', 'calendar', 'calendar']);
    expect(['low', 'medium', 'high', 'critical'].map((severity) => standard(severity).priority)).toEqual([30, 50, 70, 90]);
  });

  it.each([
    ['neighbour_dispute', 'medium', 'citizen_app', { level: 'GRID', departments: [], slaHours: 21, slaClock: 'working', priority: 50 }],
    ['neighbour_dispute', 'high', 'grid_worker', { level: 'JOINT', departments: ['justice', 'command_center'], slaHours: 24, slaClock: 'calendar', priority: 75 }],
    ['gas_leak', 'low', 'hotline_12345', { level: 'DEPARTMENT', departments: ['gas'], slaHours: 2, slaClock: 'calendar', priority: 95 }],
    ['pipe_leak', 'critical', 'citizen_app', { level: 'JOINT', departments: ['water_supply', 'drainage'], slaHours: 8, slaClock: 'calendar', priority: 80 }],
    ['illegal_parking', 'medium', 'video_alarm', { level: 'DEPARTMENT', departments: ['traffic_police'], slaHours: 2, slaClock: 'calendar', priority: 70 }],
    ['illegal_parking', 'medium', 'citizen_app', { level: 'DEPARTMENT', departments: ['urban_management'], slaHours: 21, slaClock: 'working', priority: 50 }],
    ['mental_health', 'medium', 'mental_health', { level: 'DEPARTMENT', departments: ['mental_health_center'], slaHours: 7, slaClock: 'working', priority: 60 }],
    ['wage_arrears', 'critical', 'enterprise_supervision', { level: 'DEPARTMENT', departments: ['enterprise_supervision'], slaHours: 4, slaClock: 'calendar', priority: 90 }],
    ['noise', 'low', 'citizen_app', { level: 'GRID', departments: [], slaHours: 21, slaClock: 'working', priority: 30 }],
  ])('%s, %s, from %s', (category, severity, source, expected) => {
    expect(route(category, severity, source).route).toEqual(expected);
  });

  it('sends a category it does not know, with no severity, to the command center', () => {
    const { route: result, ruleId } = route('graffiti', '', 'citizen_app');
    expect(ruleId).toBe(CATCH_ALL);
    expect(result).toEqual({ level: 'DEPARTMENT', departments: ['command_center'], slaHours: 21, slaClock: 'working', priority: 50 });
  });
});
