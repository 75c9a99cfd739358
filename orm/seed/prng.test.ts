import { partition, Prng } from './prng';

describe('Prng', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const values = Array.from({ length: 1_000 }, () => a.next());
    expect(values).toEqual(Array.from({ length: 1_000 }, () => b.next()));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Prng(43).next()).not.toBe(values[0]);
  });
});

describe('partition', () => {
  it('splits a total into positive parts that add up exactly', () => {
    const rng = new Prng(7);
    for (const [total, parts] of [[121, 11], [74, 10], [5, 5], [3, 1], [100, 7]] as const) {
      const sizes = partition(total, parts, rng, 0.35);
      expect(sizes).toHaveLength(parts);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1);
    }
  });

  it('refuses what cannot be split', () => {
    expect(() => partition(3, 4, new Prng(1))).toThrow(/cannot split/);
  });
});
