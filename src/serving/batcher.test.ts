import { describe, expect, it } from 'vitest';
import { createBatcher } from './batcher.js';

/** A runner that records every batch it receives and doubles each number. */
/** A promise the test resolves when it chooses: holds a batch run in flight. */
function gated(): { gate: Promise<void>; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((res) => {
    release = res;
  });
  return { gate, release };
}

function recordingRunner(gate?: Promise<void>) {
  const calls: number[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const run = async (inputs: number[]) => {
    calls.push(inputs);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await (gate ?? Promise.resolve());
    await new Promise((r) => setImmediate(r));
    inFlight--;
    return inputs.map((n) => n * 2);
  };
  return { calls, run, maxInFlight: () => maxInFlight };
}

describe('createBatcher', () => {
  it('merges concurrent submissions into one run and returns each caller its own results', async () => {
    const r = recordingRunner();
    const b = createBatcher({ run: r.run, maxBatchSize: 32, maxQueueDelayMs: 0 });
    const results = await Promise.all([b.submit([1]), b.submit([2, 3]), b.submit([4])]);
    expect(results).toEqual([[2], [4, 6], [8]]);
    expect(r.calls).toEqual([[1, 2, 3, 4]]);
    expect(b.stats()).toEqual({ batches: 1, items: 4, queued: 0 });
  });

  it('never exceeds maxBatchSize and keeps one run in flight at a time', async () => {
    const r = recordingRunner();
    const b = createBatcher({ run: r.run, maxBatchSize: 3, maxQueueDelayMs: 0 });
    const inputs = Array.from({ length: 10 }, (_, i) => i);
    const results = await Promise.all(inputs.map((i) => b.submit([i])));
    expect(results.flat()).toEqual(inputs.map((i) => i * 2));
    expect(r.calls.map((c) => c.length)).toEqual([3, 3, 3, 1]);
    expect(r.maxInFlight()).toBe(1);
  });

  it('forms the next batch while a run is in flight', async () => {
    const { gate, release } = gated();
    const r = recordingRunner(gate);
    const b = createBatcher({ run: r.run, maxBatchSize: 100, maxQueueDelayMs: 0 });
    const first = b.submit([1]);
    await new Promise((res) => setImmediate(res));
    expect(r.calls).toEqual([[1]]);
    const later = [b.submit([2]), b.submit([3]), b.submit([4])];
    expect(b.stats().queued).toBe(3);
    release();
    await first;
    await Promise.all(later);
    expect(r.calls).toEqual([[1], [2, 3, 4]]);
  });

  it('hands the runner the next batch before the callers of the finished one continue', async () => {
    const { gate, release } = gated();
    const r = recordingRunner(gate);
    const b = createBatcher({ run: r.run, maxBatchSize: 100, maxQueueDelayMs: 0 });
    const first = b.submit([1]);
    await new Promise((res) => setImmediate(res));
    const second = b.submit([2]);
    release();
    await first;
    // the second run already started: a runner in another thread never waits for the answers
    expect(r.calls).toEqual([[1], [2]]);
    await second;
  });

  it('waits up to maxQueueDelayMs for company, and no longer once the batch is full', async () => {
    const r = recordingRunner();
    const b = createBatcher({ run: r.run, maxBatchSize: 2, maxQueueDelayMs: 60_000 });
    const a = b.submit([1]);
    await new Promise((res) => setImmediate(res));
    expect(r.calls).toEqual([]);
    const c = b.submit([2]);
    await Promise.all([a, c]);
    expect(r.calls).toEqual([[1, 2]]);
  });

  it('rejects every caller of a failed batch and keeps serving afterwards', async () => {
    let fail = true;
    const b = createBatcher({
      run: async (xs: number[]) => {
        if (fail) throw new Error('boom');
        return xs;
      },
      maxBatchSize: 8,
      maxQueueDelayMs: 0,
    });
    const outcomes = await Promise.allSettled([b.submit([1]), b.submit([2])]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await b.submit([3])).toEqual([3]);
  });

  it('treats a runner returning the wrong number of outputs as a failure', async () => {
    const b = createBatcher({ run: async () => [1], maxBatchSize: 8, maxQueueDelayMs: 0 });
    await expect(b.submit([1, 2])).rejects.toThrow(/1 outputs for 2 inputs/);
  });
});

describe('createBatcher flush', () => {
  it('runs the queue at once instead of waiting out the queue delay', async () => {
    const r = recordingRunner();
    const b = createBatcher({ run: r.run, maxBatchSize: 10, maxQueueDelayMs: 60_000 });
    const pending = Promise.all([b.submit([1]), b.submit([2])]);
    b.flush();
    expect(await pending).toEqual([[2], [4]]);
    expect(r.calls).toEqual([[1, 2]]);
  });
});

describe('createBatcher idle', () => {
  it('resolves at once when idle, and after the last run otherwise', async () => {
    const r = recordingRunner();
    const b = createBatcher({ run: r.run, maxBatchSize: 2, maxQueueDelayMs: 0 });
    await b.idle();
    const pending = Promise.all([b.submit([1]), b.submit([2]), b.submit([3])]);
    await b.idle();
    expect(r.calls).toEqual([[1, 2], [3]]);
    expect(b.stats().queued).toBe(0);
    await pending;
  });
});
