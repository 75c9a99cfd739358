/**
 * The engine refuses, at its door, text that PostgreSQL cannot store.
 *
 * PostgreSQL's text and jsonb cannot hold the character U+0000. A command
 * carrying it in a variable, an error message or a worker's name would be
 * applied in memory and then fail its batch's commit: every other command of
 * that batch would be answered UNAVAILABLE and the engine would stop until it
 * had reloaded its state. So every call into the engine is looked through
 * first, and one with such text is refused with INVALID_ARGUMENT, naming the
 * field, before anything is applied.
 */
import type { DeployResourceInput, EngineApi } from './api';
import { findUnstorableText, NUL, UNSTORABLE_TEXT } from '../db/unstorable-text';
import { InvalidArgumentError } from './errors';

/**
 * The names of each call's arguments, as its error names the field; `''`
 * for an input object, whose fields are named as they are. A function looks
 * through the arguments itself; `null`: nothing to look through (keys and
 * numbers only). Typed over every call, so a new one cannot be left out.
 */
const ARGUMENTS: { readonly [Call in keyof EngineApi]: readonly string[] | ((args: readonly unknown[]) => string | undefined) | null } = {
  deployResources: (args) => unstorableInResources(args[0] as readonly DeployResourceInput[]),
  createProcessInstance: [''],
  createProcessInstanceWithResult: ['', 'fetchVariables'],
  cancelProcessInstance: null,
  modifyProcessInstance: [''],
  migrateProcessInstance: [''],
  deleteResource: null,
  activateJobs: [''],
  streamJobs: [''],
  completeJob: ['jobKey', 'variables', 'result'],
  failJob: ['jobKey', 'retries', 'errorMessage', 'retryBackOff', 'variables'],
  yieldJobs: null,
  throwError: ['jobKey', 'errorCode', 'errorMessage', 'variables'],
  updateJobRetries: null,
  updateJobTimeout: null,
  setVariables: ['elementInstanceKey', 'variables'],
  resolveIncident: null,
  evaluateDecision: [''],
  publishMessage: [''],
  correlateMessage: [''],
  broadcastSignal: [''],
  assignUserTask: [''],
  unassignUserTask: [''],
  completeUserTask: [''],
  updateUserTask: [''],
  topology: null,
};

/** The engine, every call of which refuses text PostgreSQL cannot store (a rejected promise; `streamJobs` throws). */
export function refusingUnstorableText<E extends EngineApi>(engine: E): E {
  return new Proxy(engine, {
    get(target, name, receiver) {
      const member: unknown = Reflect.get(target, name, receiver);
      const names = typeof name === 'string' && Object.hasOwn(ARGUMENTS, name) ? ARGUMENTS[name as keyof EngineApi] : null;
      if (names === null || typeof member !== 'function') return member;
      return (...args: unknown[]): unknown => {
        const error = firstUnstorable(args, names);
        if (error === undefined) return (member as (...a: unknown[]) => unknown).apply(target, args);
        if (name === 'streamJobs') throw error;
        return Promise.reject(error);
      };
    },
  });
}

function firstUnstorable(args: readonly unknown[], names: NonNullable<(typeof ARGUMENTS)[keyof EngineApi]>): InvalidArgumentError | undefined {
  const field = typeof names === 'function' ? names(args) : names.map((name, i) => findUnstorableText(args[i], name)).find((f) => f !== undefined);
  if (field === undefined) return undefined;
  return new InvalidArgumentError(`${field} ${UNSTORABLE_TEXT}`, { field });
}

/** XML's character references to U+0000 (`&#0;`, `&#x0;`), which a lenient parser turns into the character. */
const XML_NUL_REFERENCE = /&#(?:0+|x0+);/i;

/**
 * A resource's name, its text, and what its parser would make of it: a form's
 * JSON escapes (`\u0000`), a model's character references. A resource whose
 * JSON does not parse is left to the deployment, which says why.
 */
function unstorableInResources(resources: readonly DeployResourceInput[]): string | undefined {
  for (const [i, resource] of resources.entries()) {
    if (resource.name.includes(NUL)) return `resources[${i}].name`;
    const text = resource.content.toString('utf8');
    if (text.includes(NUL) || XML_NUL_REFERENCE.test(text)) return `resources[${i}].content`;
    if (resource.name.toLowerCase().endsWith('.form') && text.includes('\\u')) {
      let form: unknown;
      try {
        form = JSON.parse(text);
      } catch {
        continue;
      }
      if (findUnstorableText(form, '') !== undefined) return `resources[${i}].content`;
    }
  }
  return undefined;
}
