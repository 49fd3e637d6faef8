/**
 * A seeded PRNG (mulberry32): the build must give byte-identical models on every run, so nothing
 * in training may use Math.random.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
}

/** Create a deterministic generator from a 32-bit seed. */
export function createRandom(seed: number): Random {
  let a = seed >>> 0;
  return {
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** Fisher–Yates shuffle of 0…n-1 driven by `random`. */
export function shuffledIndices(n: number, random: Random): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}
