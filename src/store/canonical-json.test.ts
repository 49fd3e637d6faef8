import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('normalises like JSON: undefined members dropped, non-finite numbers null, toJSON applied', () => {
    expect(canonicalJson({ a: undefined, b: Number.NaN, c: new Date(0), d: [undefined] })).toBe(
      '{"b":null,"c":"1970-01-01T00:00:00.000Z","d":[null]}',
    );
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('is stable across a JSON round trip (what storage does)', () => {
    const value = { x: 0.1 + 0.2, s: 'é\n"', n: -0, big: 1e21, nested: { k: [true, false] } };
    expect(canonicalJson(JSON.parse(canonicalJson(value)))).toBe(canonicalJson(value));
  });
});
