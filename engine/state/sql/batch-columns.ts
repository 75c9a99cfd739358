/**
 * A batch's rows as columns, one statement parameter per column, which the
 * batch statement zips together again with `unnest`.
 *
 * Why columns and not one JSON document of rows: PostgreSQL then reads a
 * `bigint[]` or `text[]` straight into its values, where a JSON document of
 * rows is built into a jsonb tree, each row copied out of it, and every
 * number and string turned into text and parsed again (21 % of the batch
 * statement's time went to unpacking that document). Only the JSON values
 * themselves still travel as JSON. The literals are built here, in one pass over the rows, and not
 * by pg, whose array conversion escapes every element with two regular
 * expressions.
 */

/** `{1,2,NULL}`: integral numbers (keys, positions, counts) and nulls. */
export function bigintArray(values: readonly (number | null | undefined)[]): string {
  return `{${values.map(numberElement).join(',')}}`;
}

/** As JSON.stringify writes numbers: null, undefined, NaN and the infinities are null. */
function numberElement(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : 'NULL';
}

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/**
 * A batch's rows as column parameters, built in one pass over the rows:
 * - number columns (bigint[], int[], float8[]): `{1,2,NULL}`;
 * - text columns (text[]): `{"a","b",NULL}`, every element quoted, so that
 *   any text survives (commas, braces, spaces, the word NULL); inside quotes
 *   only `"` and `\` need a backslash;
 * - JSON columns: one JSON array of the values, `[…]`, taken apart in the
 *   statement by `jsonb_array_elements` (`json_array_elements` for the
 *   records' values, stored as json) beside the other columns' `unnest`
 *   (`rows from`); `undefined` (no JSON of its own) is written null, as
 *   JSON.stringify does inside an array. One document per value (lines split
 *   by `string_to_array`) cost as much for small values and a third more for
 *   50 KiB ones: the split copies every byte once more.
 */
export class ColumnLiterals {
  /**
   * Each column's elements, joined once at the end: a string grown by `+=`
   * is a tree of pieces that pg must flatten before it can measure and copy
   * it, and for a burst's batch (10,000 records) that flattening cost more
   * than building the pieces, on the path between two commits. A JSON
   * column keeps its values and is written by one JSON.stringify of them all.
   */
  private readonly elements: unknown[][];
  private readonly kinds: readonly ColumnKind[];

  constructor(...kinds: ColumnKind[]) {
    this.kinds = kinds;
    this.elements = kinds.map(() => []);
  }

  /** One row: a value per column, in the order of the kinds given to the constructor. */
  add(...values: unknown[]): void {
    for (let c = 0; c < this.kinds.length; c++) {
      const value = values[c];
      switch (this.kinds[c]) {
        case 'number':
          this.elements[c].push(numberElement(value));
          break;
        case 'text':
          this.elements[c].push(value == null ? 'NULL' : quoted(value as string));
          break;
        case 'json':
          this.elements[c].push(value);
          break;
      }
    }
  }

  /** The parameters: `{…}` array literals for number and text columns, a `[…]` JSON array for JSON columns. */
  parameters(): string[] {
    return this.elements.map((elements, c) => (this.kinds[c] === 'json' ? JSON.stringify(elements) : `{${elements.join(',')}}`));
  }
}

/** number: bigint[], int[] or float8[]; text: text[]; json: json or jsonb, the values as one JSON array. */
export type ColumnKind = 'number' | 'text' | 'json';

function quoted(value: string): string {
  return `"${NEEDS_ESCAPE.test(value) ? value.replace(ESCAPED, '\\$&') : value}"`;
}
