import type { CamundaKey } from '@camunda8/orchestration-cluster-api';

/** The tenant of every resource: the engine has one, Zeebe's default. */
export const DEFAULT_TENANT = '<default>';

/**
 * A key or id in an answer, as the client's branded string type (LongKey
 * values travel as strings). The brand is the client's compile-time marker
 * only; the value on the wire is the plain string.
 */
export function apiKey<K extends CamundaKey<string> | undefined>(value: number | string): K {
  return String(value) as K;
}

/** A request type with the client's branded keys as the plain strings they are on the wire. */
export type Unbranded<T> =
  T extends CamundaKey<string>
    ? string
    : T extends readonly (infer U)[]
      ? Unbranded<U>[]
      : T extends Record<string, unknown>
        ? { [K in keyof T]: Unbranded<T[K]> }
        : T;
