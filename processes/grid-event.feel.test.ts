import path from 'node:path';
import { compileFastPath } from '../engine/feel/fast-path';
import { expectConformance } from '../engine/testing/feel-conformance';
import { feelExpressionsOf } from './feel-expressions';

describe("the grid-event process's FEEL", () => {
  const expressions = feelExpressionsOf(path.join(__dirname, 'grid-event.bpmn'));

  it('is compiled to the fast path, every expression', () => {
    expect(expressions.length).toBeGreaterThan(20);
    expect(expressions.filter((source) => compileFastPath(source) === undefined)).toEqual([]);
  });

  it('is answered by the fast path as feelin answers it', () => {
    for (const source of expressions) {
      const fast = compileFastPath(source);
      expect({ source, decided: fast !== undefined && expectConformance(source, fast, 600) > 0 }).toEqual({ source, decided: true });
    }
  });
});
