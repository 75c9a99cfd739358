/**
 * A seeded pseudo-random generator (mulberry32): the reference city must come
 * out the same on every machine and every run, which Math.random cannot give.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** An integer in [0, n). */
  index(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.index(items.length)];
  }
}

/**
 * Splits `total` into `parts` positive integers near total/parts (±spread of
 * that), summing exactly to `total`.
 */
export function partition(total: number, parts: number, rng: Prng, spread = 0.3): number[] {
  if (parts < 1 || parts > total) throw new Error(`cannot split ${total} into ${parts} parts`);
  const weights = Array.from({ length: parts }, () => 1 + spread * (2 * rng.next() - 1));
  const sum = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.max(1, Math.round((w / sum) * total)));
  // Rounding leaves the sum off by a few; settle the difference on the largest (or smallest) parts.
  let diff = total - sizes.reduce((a, b) => a + b, 0);
  while (diff !== 0) {
    const order = sizes.map((size, i) => [size, i] as const).sort((a, b) => (diff > 0 ? a[0] - b[0] : b[0] - a[0]) || a[1] - b[1]);
    for (const [size, i] of order) {
      if (diff === 0) break;
      if (diff < 0 && size === 1) continue;
      sizes[i] = size + Math.sign(diff);
      diff -= Math.sign(diff);
    }
  }
  return sizes;
}
