/**
 * The processor's module layers, checked on its import statements (type-only
 * imports count): each module imports only from layers below its own, or from
 * its own layer where that layer allows it, and nothing in engine/ imports in
 * a circle. A new module must be given its layer here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const PROCESSOR = __dirname;
const ENGINE = path.dirname(PROCESSOR);

/** Module (relative to engine/processor, no extension) → layer; `*` matches a folder's modules. */
const LAYERS: ReadonlyArray<readonly [layer: number, name: string, modules: readonly string[]]> = [
  [
    0,
    'context and state',
    [
      'context',
      'element-processor',
      'variables',
      'incidents',
      'job-creation',
      'task-listener-jobs',
      'user-task-properties',
      'joins',
      'timers',
      'message-subscriptions',
      'signal-subscriptions',
      'event-subscriptions',
      'process-instance',
      'decision-evaluation',
      'scheduler',
      'event-due',
      'user-task-properties',
    ],
  ],
  [1, 'lifecycle', ['lifecycle']],
  [
    2,
    'behaviours',
    ['catch-subscriptions', 'event-subprocesses', 'event-trigger', 'catch-scopes', 'error-events', 'event-start', 'message-correlation', 'signal-broadcast', 'user-task-listeners', 'user-task-lifecycle'],
  ],
  [3, 'element processors', ['elements/*']],
  [4, 'element processor table', ['element-processors']],
  [
    5,
    'commands',
    [
      'instance-commands',
      'job-commands',
      'job-activation',
      'job-dispatch',
      'message-commands',
      'signal-commands',
      'decision-commands',
      'timer-trigger',
      'modify-instance',
      'modify-plan',
      'migrate-instance',
      'migrate-plan',
      'migrate-catch-events',
      'start-instructions',
      'deploy-command',
      'deploy-decisions',
      'deploy-forms',
      'delete-resource',
      'user-task-commands',
    ],
  ],
  [6, 'processor', ['processor']],
];
/** Layers whose modules may import each other (still without circles). */
const OPEN_LAYERS = new Set([0, 2, 5]);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts') ? [file] : [];
  });
}

/** Relative imports and re-exports of a module, type-only ones included, as absolute paths without extension. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/g)].map((m) => m[1]);
  return found.map((specifier) => {
    const target = path.resolve(path.dirname(file), specifier);
    return statSync(target, { throwIfNoEntry: false })?.isDirectory() ? path.join(target, 'index') : target;
  });
}

function moduleName(file: string): string {
  return path.relative(PROCESSOR, file).replace(/\.ts$/, '');
}

function layerOf(name: string): number | undefined {
  for (const [layer, , modules] of LAYERS) {
    if (modules.some((m) => m === name || (m.endsWith('/*') && name.startsWith(m.slice(0, -1))))) return layer;
  }
  return undefined;
}

const processorFiles = sources(PROCESSOR);

test('every module of the processor has a layer', () => {
  expect(processorFiles.map(moduleName).filter((name) => layerOf(name) === undefined)).toEqual([]);
});

test('each module imports only from layers below, or within a layer that allows it', () => {
  const violations: string[] = [];
  for (const file of processorFiles) {
    const from = moduleName(file);
    const fromLayer = layerOf(from)!;
    for (const target of importsOf(file)) {
      if (!target.startsWith(PROCESSOR + path.sep)) continue;
      const to = path.relative(PROCESSOR, target);
      const toLayer = layerOf(to);
      if (toLayer === undefined) continue;
      if (toLayer < fromLayer || (toLayer === fromLayer && OPEN_LAYERS.has(fromLayer))) continue;
      violations.push(`${from} (layer ${fromLayer}) imports ${to} (layer ${toLayer})`);
    }
  }
  expect(violations).toEqual([]);
});

test('no module in engine/ imports in a circle', () => {
  const graph = new Map<string, string[]>();
  for (const file of sources(ENGINE)) graph.set(file.replace(/\.ts$/, ''), importsOf(file).filter((t) => t.startsWith(ENGINE)));
  const circles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open') circles.push(stack.slice(stack.indexOf(next)).map((n) => path.relative(ENGINE, n)).join(' → '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  expect(circles).toEqual([]);
});
