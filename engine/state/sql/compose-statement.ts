/**
 * One statement made of the common table expressions a call has rows for,
 * and the statement that always runs after them. Each part numbers its
 * parameters from $1; composing renumbers them after the parts before it.
 * A combination of parts is composed once and named after the parts it holds
 * (a bit each), so every combination is a prepared statement of its own and
 * pg prepares it once per connection.
 */

export interface Section<T> {
  /** The common table expression's name. */
  readonly name: string;
  /** Its body, parameters $1 … $n. */
  readonly sql: string;
  /** Its parameters in order, or undefined when there is nothing to write: the part is then left out. */
  values(input: T): readonly unknown[] | undefined;
}

export interface ComposedStatement {
  readonly name: string;
  readonly text: string;
  readonly values: readonly unknown[];
}

interface Shape {
  readonly name: string;
  readonly text: string;
}

const PARAMETER = /\$(\d+)/g;

export class StatementShapes<T> {
  private readonly shapes = new Map<number, Shape>();
  private readonly arities: readonly number[];

  constructor(
    private readonly prefix: string,
    private readonly sections: readonly Section<T>[],
    /** Runs last, in every statement; its parameters follow the sections'. */
    private readonly final: string,
  ) {
    // A bit per section in a number: past 31 the names would collide.
    if (sections.length > 31) throw new Error(`${prefix}: ${sections.length} sections, at most 31`);
    this.arities = sections.map((section) => arity(section.sql));
  }

  compose(input: T, finalValues: readonly unknown[]): ComposedStatement {
    let parts = 0;
    const values: unknown[] = [];
    for (let s = 0; s < this.sections.length; s++) {
      const sectionValues = this.sections[s].values(input);
      if (sectionValues === undefined) continue;
      parts |= 1 << s;
      for (const value of sectionValues) values.push(value);
    }
    for (const value of finalValues) values.push(value);
    const shape = this.shapes.get(parts) ?? this.build(parts);
    return { name: shape.name, text: shape.text, values };
  }

  private build(parts: number): Shape {
    const expressions: string[] = [];
    let offset = 0;
    for (let s = 0; s < this.sections.length; s++) {
      if ((parts & (1 << s)) === 0) continue;
      expressions.push(`  ${this.sections[s].name} as (${renumber(this.sections[s].sql, offset)})`);
      offset += this.arities[s];
    }
    const last = renumber(this.final, offset);
    const shape = {
      name: `${this.prefix}_${parts.toString(36)}`,
      text: expressions.length === 0 ? last : `with\n${expressions.join(',\n')}\n${last}`,
    };
    this.shapes.set(parts, shape);
    return shape;
  }
}

/** The highest parameter number a part uses: its parameters are $1 … $arity. */
function arity(sql: string): number {
  let highest = 0;
  for (const match of sql.matchAll(PARAMETER)) highest = Math.max(highest, Number(match[1]));
  return highest;
}

function renumber(sql: string, offset: number): string {
  return offset === 0 ? sql : sql.replace(PARAMETER, (_, n: string) => `$${Number(n) + offset}`);
}
