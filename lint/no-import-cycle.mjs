/**
 * Reports every import that closes a circle of files. Unlike import-x/no-cycle
 * it counts type-only imports too (`import type`, `export type ... from`,
 * `import('...')` types): a circle of types is still two modules that cannot be
 * read, moved or tested one without the other.
 *
 * The graph is built from each file's own text with TypeScript's import
 * scanner (no type information needed, so it also covers the browser's .js
 * modules), and its strongly connected components are computed once per run.
 * Only relative specifiers are followed: packages cannot import us back.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * file → resolved relative imports (absolute paths). Read once per process: right
 * for the command line, where files do not change during a run; a long-lived
 * process (an editor's server) sees changed imports after a restart.
 */
const importsOf = new Map();

function resolveSpecifier(fromFile, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const target = path.resolve(path.dirname(fromFile), specifier);
  // nodenext: `./x.js` names the source `./x.ts`.
  const candidates = /\.(m|c)?js$/.test(target)
    ? [target.replace(/\.(m|c)?js$/, (ext) => ext.replace('js', 'ts')), target]
    : [target, `${target}.ts`, `${target}.js`, path.join(target, 'index.ts'), path.join(target, 'index.js')];
  return candidates.find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
}

function readImports(file) {
  let imports = importsOf.get(file);
  if (imports) return imports;
  const text = fs.readFileSync(file, 'utf8');
  const scanned = ts.preProcessFile(text, true, true).importedFiles;
  imports = [...new Set(scanned.map((imported) => resolveSpecifier(file, imported.fileName)).filter(Boolean))];
  importsOf.set(file, imports);
  return imports;
}

/** Tarjan's strongly connected components over the files reachable from `root`. */
const componentOf = new Map();

function computeComponents(root) {
  let index = 0;
  const indexOf = new Map();
  const lowLink = new Map();
  const stack = [];
  const onStack = new Set();
  // Iterative, so a long chain of imports cannot overflow the call stack.
  const work = [{ file: root, next: 0 }];
  indexOf.set(root, index);
  lowLink.set(root, index++);
  stack.push(root);
  onStack.add(root);
  while (work.length > 0) {
    const frame = work[work.length - 1];
    const imports = readImports(frame.file);
    if (frame.next < imports.length) {
      const target = imports[frame.next++];
      if (componentOf.has(target)) continue;
      if (!indexOf.has(target)) {
        indexOf.set(target, index);
        lowLink.set(target, index++);
        stack.push(target);
        onStack.add(target);
        work.push({ file: target, next: 0 });
      } else if (onStack.has(target)) {
        lowLink.set(frame.file, Math.min(lowLink.get(frame.file), indexOf.get(target)));
      }
      continue;
    }
    work.pop();
    if (work.length > 0) {
      const parent = work[work.length - 1].file;
      lowLink.set(parent, Math.min(lowLink.get(parent), lowLink.get(frame.file)));
    }
    if (lowLink.get(frame.file) === indexOf.get(frame.file)) {
      const component = new Set();
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.add(member);
      } while (member !== frame.file);
      for (const file of component) componentOf.set(file, component);
    }
  }
}

/** The shortest way back from `start` to `goal` inside one component, for the message. */
function pathBack(start, goal, component) {
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift();
    if (file === goal) break;
    for (const target of readImports(file)) {
      if (component.has(target) && !previous.has(target)) {
        previous.set(target, file);
        queue.push(target);
      }
    }
  }
  const route = [];
  for (let file = goal; file !== undefined; file = previous.get(file)) route.unshift(file);
  return route;
}

export const noImportCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid an import that closes a circle of files, type-only imports included.' },
    schema: [],
    messages: { cycle: 'Import cycle: {{route}}' },
  },
  create(context) {
    const file = path.resolve(context.physicalFilename);
    if (!fs.existsSync(file)) return {};
    const check = (node, specifier) => {
      if (typeof specifier !== 'string') return;
      const target = resolveSpecifier(file, specifier);
      if (!target || target === file) return;
      if (!componentOf.has(file)) computeComponents(file);
      const component = componentOf.get(file);
      if (!component.has(target)) return;
      const cwd = context.cwd;
      const route = [file, ...pathBack(target, file, component)].map((f) => path.relative(cwd, f)).join(' → ');
      context.report({ node, messageId: 'cycle', data: { route } });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
      TSImportType: (node) => {
        const literal = node.argument?.literal ?? node.source;
        if (literal?.type === 'Literal') check(literal, literal.value);
      },
      TSExternalModuleReference: (node) => node.expression.type === 'Literal' && check(node.expression, node.expression.value),
    };
  },
};

export default { rules: { 'no-import-cycle': noImportCycle } };
