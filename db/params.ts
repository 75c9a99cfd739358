/**
 * Builds the parameter list of a statement whose text is assembled from
 * optional parts (filters, a cursor): `params.param(value)` answers the
 * numbered placeholder (`$3`) for the value, so text and values never drift.
 */
export class Params {
  readonly values: unknown[] = [];

  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
