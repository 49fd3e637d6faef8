import { describe, expect, it } from 'vitest';
import { float16Bits, float16Value } from './float16.js';

describe('float16', () => {
  it.each([
    [0, 0x0000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff],
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -14, 0x0400], // smallest normal
    [0.1, 0x2e66],
  ])('encodes %d as its binary16 pattern', (x, bits) => {
    expect(float16Bits(x)).toBe(bits);
  });

  it('rounds to nearest, ties to even, and overflows to Infinity past the largest value', () => {
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie between 1 and 1+2^-10: even wins
    expect(float16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(float16Bits(70000)).toBe(0x7c00);
  });

  it('round-trips every finite pattern exactly', () => {
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00) continue; // Infinity and NaN
      const back = float16Bits(float16Value(h));
      expect(back === h || (h === 0x8000 && back === 0x8000)).toBe(true);
    }
  });
});
