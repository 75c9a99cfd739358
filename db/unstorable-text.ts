/**
 * PostgreSQL's text and jsonb cannot hold the character U+0000: a statement
 * carrying it fails whole. Input is looked through for it where it enters
 * (the engine's calls, the GraphQL API, the intake) and refused there,
 * naming the field, before anything is written.
 */

export const NUL = '\u0000';

/** What follows the field's name in the error. */
export const UNSTORABLE_TEXT = 'contains the character U+0000, which cannot be stored; remove it';

/** A field's path as an error shows it: a key holding U+0000 is written with the escape. */
function shown(path: string): string {
  return path.replaceAll(NUL, '\\u0000');
}

/** The path of the first string (or object key) holding U+0000 in a JSON-like value, or undefined. */
export function findUnstorableText(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes(NUL) ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const field = path === '' ? key : `${path}.${key}`;
    if (key.includes(NUL)) return shown(field);
    const found = findUnstorableText(item, field);
    if (found !== undefined) return found;
  }
  return undefined;
}
