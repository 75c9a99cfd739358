/**
 * Request values shared by the job, message, signal, incident and decision
 * routes: int64 durations as Camunda's client sends them, and the one tenant.
 */
import { z } from 'zod';

import { DEFAULT_TENANT } from './keys';

/** A tenant in a request: only the default one exists. */
export const tenantIdSchema = z.literal(DEFAULT_TENANT, { error: `only the default tenant '${DEFAULT_TENANT}' exists (multi-tenancy is off)` });

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
