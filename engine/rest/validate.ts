import { z } from 'zod';

import type { Unbranded } from './keys';
import { badRequest } from './problem';

/**
 * Request validation. Schemas are written here, in the project, and each is
 * tied at compile time to the request type that
 * `@camunda8/orchestration-cluster-api` exports for the operation
 * (`requestSchema<Api>()(schema)` fails to compile when a parsed request
 * would not be a valid `Api`), so field names and types cannot drift from
 * Camunda's. Objects are strict: an unknown key is refused by name. A field
 * Camunda defines but this engine does not offer is declared `notOffered()`:
 * refused by name too, never silently ignored.
 */
export function requestSchema<Api>() {
  return <S extends z.ZodType<Unbranded<Api>>>(schema: S): S => schema;
}

/** A field of Camunda's API that this engine does not offer: present means refused, naming it. */
export function notOffered() {
  return z.undefined({ error: 'is not supported by this engine' }).optional();
}

/** A LongKey as Camunda's REST API sends it: a decimal string of a positive integer. */
export const longKey = z.string().regex(/^[1-9][0-9]{0,15}$/, { error: 'expected a key (a string of decimal digits)' });

/** A JSON object of variables. */
export const variablesSchema = z.record(z.string(), z.unknown());

function pathOf(issuePath: readonly PropertyKey[], root: string): string {
  let path = root;
  for (const part of issuePath) path += typeof part === 'number' ? `[${part}]` : `${path === '' ? '' : '.'}${String(part)}`;
  return path === '' ? 'body' : path;
}

/** One line per problem, each naming the field (e.g. `filter.foo: unknown field`). */
export function describeIssues(error: z.ZodError, root = ''): string {
  return error.issues.map((issue) => describeIssue(issue, [], root)).join('; ');
}

function describeIssue(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[], root: string): string {
  const path = [...prefix, ...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => `${pathOf([...path, key], root)}: unknown field, or one this engine does not support`).join('; ');
    case 'invalid_union': {
      // A value or an object of operators: report the branch the input was meant for (the one that got past its type).
      const branch = issue.errors.find((issues) => !issues.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0)) ?? issue.errors[0];
      if (branch === undefined || branch.length === 0) return `${pathOf(path, root)}: ${issue.message}`;
      return branch.map((inner) => describeIssue(inner, path, root)).join('; ');
    }
    default:
      return `${pathOf(path, root)}: ${issue.message}`;
  }
}

/** Parses a request body (absent or null: `{}`), or throws a 400 problem naming each bad field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw badRequest(describeIssues(result.error));
  return result.data;
}

/** A key in a path parameter, as a number for the engine; a 400 naming the parameter otherwise. */
export function parseKeyParam(name: string, value: unknown): number {
  const result = longKey.safeParse(value);
  if (!result.success) throw badRequest(`${name}: expected a key (a string of decimal digits), got ${JSON.stringify(value)}`);
  return toKeyNumber(result.data, name);
}

/** A LongKey string as the engine's number; refuses keys beyond JavaScript's safe integers. */
export function toKeyNumber(key: string, name: string): number {
  const number = Number(key);
  if (!Number.isSafeInteger(number)) throw badRequest(`${name}: ${key} is not a key of this engine`);
  return number;
}

/** Query parameters an operation does not take are refused by name. */
export function noQueryParameters(query: unknown): void {
  if (typeof query !== 'object' || query === null) return;
  const names = Object.keys(query);
  if (names.length > 0) throw badRequest(`${names.join(', ')}: unknown query parameter${names.length > 1 ? 's' : ''}`);
}
