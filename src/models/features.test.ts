import { describe, expect, it } from 'vitest';
import { checkFeatureConfig, type FeatureConfig, featurize, featurizeBatch } from './features.js';

const cfg: FeatureConfig = {
  scheme: 'hashed-words-v1',
  dim: 1024,
  maxChars: 20000,
  bigrams: false,
  maxTokenLength: 30,
};

function nonZero(v: Float32Array): number[] {
  return Array.from(v.keys()).filter((i) => v[i] !== 0);
}

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

describe('featurize', () => {
  it('gives a unit-norm vector of length dim, the same every time', () => {
    const v = featurize('Win $1000 NOW!!! Click here', cfg);
    expect(v).toHaveLength(1024);
    expect(norm(v)).toBeCloseTo(1, 5);
    expect(featurize('Win $1000 NOW!!! Click here', cfg)).toEqual(v);
  });

  it('folds case and digits, and ignores separators', () => {
    expect(featurize('Hello WORLD 2024', cfg)).toEqual(featurize('hello, world... 9999', cfg));
  });

  it('distinguishes different words and counts repeats with log(1 + count)', () => {
    expect(featurize('cheap pills', cfg)).not.toEqual(featurize('meeting notes', cfg));
    const once = featurize('alpha beta', cfg);
    const twice = featurize('alpha alpha beta', cfg);
    const [a, b] = nonZero(once);
    // in `twice` alpha's bucket holds log(3) against beta's log(2)
    const ratio = Math.max(twice[a], twice[b]) / Math.min(twice[a], twice[b]);
    expect(ratio).toBeCloseTo(Math.log(3) / Math.log(2), 5);
  });

  it('counts $ and ! as tokens of their own', () => {
    expect(featurize('free!!!', cfg)).not.toEqual(featurize('free', cfg));
    expect(featurize('$', cfg).some((x) => x !== 0)).toBe(true);
  });

  it('returns a zero vector for a text without tokens', () => {
    expect(nonZero(featurize('', cfg))).toEqual([]);
    expect(nonZero(featurize(' ,.;-', cfg))).toEqual([]);
  });

  it('reads only the first maxChars characters', () => {
    const short = { ...cfg, maxChars: 10 };
    expect(featurize('abc defgh ijkl mnop', short)).toEqual(featurize('abc defgh ', short));
  });

  it('skips tokens longer than maxTokenLength', () => {
    expect(nonZero(featurize('x'.repeat(31), cfg))).toEqual([]);
    expect(nonZero(featurize('x'.repeat(30), cfg))).toHaveLength(1);
  });

  it('adds bigram features when asked', () => {
    const bi = { ...cfg, dim: 1 << 16, bigrams: true };
    expect(nonZero(featurize('one two three', bi))).toHaveLength(5);
    expect(featurize('one two', bi)).not.toEqual(featurize('two one', bi));
  });

  it('handles non-ASCII text', () => {
    const v = featurize('Grüße aus Köln – 東京', cfg);
    expect(norm(v)).toBeCloseTo(1, 5);
  });
});

describe('featurizeBatch', () => {
  it('is the row-major concatenation of featurize', () => {
    const texts = ['first text', '', 'Third TEXT!!! $$$', 'a '.repeat(500)];
    const batch = featurizeBatch(texts, cfg);
    expect(batch).toHaveLength(texts.length * cfg.dim);
    texts.forEach((t, i) => {
      expect(batch.subarray(i * cfg.dim, (i + 1) * cfg.dim)).toEqual(featurize(t, cfg));
    });
  });

  it('reuses a large enough scratch buffer, clearing what an earlier batch left in it', () => {
    const scratch = new Float32Array(3 * cfg.dim).fill(7);
    const texts = ['win money now', 'hello there'];
    const batch = featurizeBatch(texts, cfg, scratch);
    expect(batch.buffer).toBe(scratch.buffer);
    expect(batch).toEqual(featurizeBatch(texts, cfg));
    // too small: a fresh array, the scratch untouched
    const small = new Float32Array(cfg.dim).fill(7);
    expect(featurizeBatch(texts, cfg, small).buffer).not.toBe(small.buffer);
    expect(small.every((v) => v === 7)).toBe(true);
  });
});

describe('checkFeatureConfig', () => {
  it('accepts a valid config, including after a JSON round trip', () => {
    expect(checkFeatureConfig(JSON.parse(JSON.stringify(cfg)))).toEqual({ ok: true, config: cfg });
  });

  it.each([
    [null, 'not an object'],
    [{ ...cfg, scheme: 'bag-of-words' }, 'unknown feature scheme'],
    [{ ...cfg, dim: 1000 }, 'power of two'],
    [{ ...cfg, dim: '1024' }, 'power of two'],
    [{ ...cfg, maxChars: 0 }, 'maxChars'],
    [{ ...cfg, maxTokenLength: 1.5 }, 'maxTokenLength'],
    [{ ...cfg, bigrams: 'yes' }, 'bigrams'],
  ])('rejects %j', (value, reason) => {
    const result = checkFeatureConfig(value);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });
});
