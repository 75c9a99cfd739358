import { FeelDate, FeelDateTime, FeelDuration, FeelTime, isFunction, isRange } from 'feelin';

/**
 * The one place where values cross between JSON variables and FEEL.
 *
 * Into FEEL nothing needs converting: variables are JSON, and a string that looks like a
 * date stays a string (as in Zeebe, where `date(x)` converts explicitly). Out of FEEL,
 * temporal values become their ISO-8601 text, the way Zeebe stores them in variables;
 * ranges and functions have no JSON form and are refused.
 */

/** FEEL's name for the type of a value, as used in error messages ("expected boolean but found list"). */
export function feelTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return 'list';
  if (value instanceof FeelDate) return 'date';
  if (value instanceof FeelTime) return 'time';
  if (value instanceof FeelDateTime) return 'date and time';
  if (value instanceof FeelDuration) return 'duration';
  if (isRange(value)) return 'range';
  if (isFunction(value) || typeof value === 'function') return 'function';
  return 'context';
}

export function isTemporal(value: unknown): value is FeelDate | FeelTime | FeelDateTime | FeelDuration {
  return (
    value instanceof FeelDate ||
    value instanceof FeelTime ||
    value instanceof FeelDateTime ||
    value instanceof FeelDuration
  );
}

/** Converts a FEEL result to a JSON value; returns an error reason instead when it has no JSON form. */
export function toJsonValue(value: unknown): { value: unknown } | { unconvertible: string } {
  if (value === null || value === undefined) return { value: null };
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return { value };
    case 'number':
      return { value: Number.isFinite(value) ? value : null };
    case 'function':
      return { unconvertible: 'function' };
  }
  if (isTemporal(value)) return { value: value.toJSON() };
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const converted = toJsonValue(item);
      if ('unconvertible' in converted) return converted;
      items.push(converted.value);
    }
    return { value: items };
  }
  const type = feelTypeName(value);
  if (type !== 'context') return { unconvertible: type };
  const entries: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    const converted = toJsonValue(entry);
    if ('unconvertible' in converted) return converted;
    entries[key] = converted.value;
  }
  return { value: entries };
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Short, single-line rendering of a value for error messages. */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = isTemporal(value) ? value.toString() : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
