/**
 * Values as Camunda 8.8's REST API writes them: keys as decimal strings
 * (typed with the client's branded key types), the one tenant of an engine
 * without multi-tenancy, instants in ISO 8601.
 */
import type { TenantId } from '@camunda8/orchestration-cluster-api';
import { z } from 'zod';

/** Camunda answers with this tenant when multi-tenancy is off. */
export const DEFAULT_TENANT = '<default>' as TenantId;

/** A key of the engine as the branded LongKey string the client expects. */
export function wireKey<K extends string>(key: number | string | bigint): K {
  return String(key) as K;
}

/** A key that may be absent (a job key of an incident without a job). */
export function optionalWireKey<K extends string>(key: number | string | bigint | null): K | undefined {
  return key === null ? undefined : wireKey<K>(key);
}

export function wireDate(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** A tenant in a request: only the default one exists. */
export const tenantIdSchema = z
  .literal('<default>', { error: "only the default tenant '<default>' exists (multi-tenancy is off)" })
  .transform((value) => value as TenantId);

/**
 * An int64 field (a duration in ms): Camunda's client sends these as JSON
 * strings of digits (it holds them as bigints), other clients as numbers;
 * both are taken, within JavaScript's safe integers.
 */
export function int64(min = Number.MIN_SAFE_INTEGER) {
  return z
    .union([z.number().int(), z.string().regex(/^-?\d{1,16}$/, { error: 'expected an integer' }).transform(Number)], {
      error: 'expected an integer (a number or a string of digits)',
    })
    .pipe(z.number().min(min).max(Number.MAX_SAFE_INTEGER));
}
