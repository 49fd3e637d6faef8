import type { ComparisonPair } from '../types.js';

/**
 * One pass over a pair source shared by several gates: the agreement gate pulls pair by pair (and
 * may stop early); the distribution and schema gates read what was pulled and top it up when they
 * need more. Never pulls past `cap`.
 */
export interface PairBuffer {
  /** Pairs pulled so far, in order. */
  readonly pairs: readonly ComparisonPair[];
  /** True once the source is exhausted or the cap is reached. */
  readonly exhausted: boolean;
  /** Iterate from the first pair: buffered ones, then newly pulled ones. */
  iterate(): AsyncGenerator<ComparisonPair>;
  /** Pull until at least `n` pairs are buffered (or the source ends). */
  fill(n: number): Promise<readonly ComparisonPair[]>;
  /** Stop the underlying source (e.g. the replay's in-flight calls, the shadow poller). */
  close(): Promise<void>;
}

/** Buffer `source` up to `cap` pairs. */
export function createPairBuffer(source: AsyncIterable<ComparisonPair>, cap: number): PairBuffer {
  const pairs: ComparisonPair[] = [];
  const it = source[Symbol.asyncIterator]();
  let done = false;
  let pending: Promise<void> | undefined;

  // One pull at a time, even when two consumers ask together.
  const pullOne = (): Promise<void> => {
    pending ??= (async () => {
      if (done || pairs.length >= cap) {
        done = true;
        return;
      }
      const r = await it.next();
      if (r.done) done = true;
      else pairs.push(r.value);
      if (pairs.length >= cap) done = true;
    })().finally(() => {
      pending = undefined;
    });
    return pending;
  };

  return {
    pairs,
    get exhausted() {
      return done;
    },
    async *iterate() {
      for (let i = 0; ; i++) {
        while (i >= pairs.length && !done) await pullOne();
        if (i >= pairs.length) return;
        yield pairs[i];
      }
    },
    async fill(n) {
      while (pairs.length < n && !done) await pullOne();
      return pairs;
    },
    async close() {
      done = true;
      await pending;
      await it.return?.(undefined);
    },
  };
}
