import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    [30, 30],
    [0.5, 0.5],
    ['45', 45],
    ['500ms', 0.5],
    ['100ms', 0.1],
    ['30s', 30],
    ['2m', 120],
    ['1h', 3600],
    ['7d', 604800],
    ['1h30m', 5400],
    ['1.5h', 5400],
    [' 2m ', 120],
  ])('%j is %d seconds', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it.each([['2 minutes'], ['m2'], ['-5s'], [''], ['5x'], [-1], [Number.NaN], [true], [null], [{}]])(
    '%j is not a duration',
    (input) => {
      expect(parseDuration(input)).toBeUndefined();
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [604800, '7d'],
    [90, '1m30s'],
    [0.5, '500ms'],
    [0, '0s'],
    [3600 + 1.5, '1h1.5s'],
  ])('%d seconds reads %s and parses back', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
    expect(parseDuration(text)).toBe(seconds);
  });
});
