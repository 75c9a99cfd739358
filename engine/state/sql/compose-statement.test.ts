import { StatementShapes, type Section } from './compose-statement';

interface Input {
  readonly a?: number[];
  readonly b?: string;
}

const SECTIONS: readonly Section<Input>[] = [
  { name: 'first', sql: 'insert into t (x, y) select * from unnest($1::int[], $2::int[])', values: (input) => (input.a ? [input.a, input.a] : undefined) },
  { name: 'second', sql: 'delete from u where name = $1', values: (input) => (input.b === undefined ? undefined : [input.b]) },
];

describe('a statement composed of the parts a call has rows for', () => {
  const shapes = new StatementShapes<Input>('write', SECTIONS, 'update meta set n = $1');

  it('numbers each part after the ones before it, and the final statement last', () => {
    const statement = shapes.compose({ a: [1], b: 'x' }, [7]);
    expect(statement.text).toBe(
      'with\n  first as (insert into t (x, y) select * from unnest($1::int[], $2::int[])),\n  second as (delete from u where name = $3)\nupdate meta set n = $4',
    );
    expect(statement.values).toEqual([[1], [1], 'x', 7]);
  });

  it('leaves out a part with nothing to write and numbers the rest without a gap', () => {
    const statement = shapes.compose({ b: 'x' }, [7]);
    expect(statement.text).toBe('with\n  second as (delete from u where name = $1)\nupdate meta set n = $2');
    expect(statement.values).toEqual(['x', 7]);
  });

  it('is the final statement alone when no part has rows', () => {
    const statement = shapes.compose({}, [7]);
    expect(statement.text).toBe('update meta set n = $1');
    expect(statement.values).toEqual([7]);
  });

  it('names each combination of parts apart, and the same combination alike', () => {
    const names = [shapes.compose({ a: [1] }, [0]), shapes.compose({ b: 'y' }, [0]), shapes.compose({ a: [1], b: 'y' }, [0]), shapes.compose({}, [0])].map((s) => s.name);
    expect(new Set(names).size).toBe(4);
    expect(shapes.compose({ a: [2, 3] }, [1]).name).toBe(names[0]);
  });
});
