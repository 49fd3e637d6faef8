/** Runs one batch of inputs; must return exactly one output per input, in order. */
export type BatchRunner<I, O> = (inputs: I[]) => Promise<O[]>;

export interface BatcherOptions<I, O> {
  run: BatchRunner<I, O>;
  /** Largest number of items handed to one `run` call. */
  maxBatchSize: number;
  /**
   * How long the first item of an idle batcher may wait for company before the batch runs
   * (Triton's `max_queue_delay_microseconds`). 0 still lets every request parsed in the same
   * event-loop turn join the batch.
   */
  maxQueueDelayMs: number;
  /** Called after every run with the batch size (metrics). */
  onBatch?: (size: number) => void;
}

export interface BatcherStats {
  /** Number of `run` calls so far. */
  batches: number;
  /** Number of items that went through `run`. */
  items: number;
  /** Items waiting for the next batch now. */
  queued: number;
}

export interface Batcher<I, O> {
  /** Queue items; they may be split across batches, results come back in order. */
  submit(inputs: I[]): Promise<O[]>;
  stats(): BatcherStats;
  /** Run what is queued now instead of waiting out the queue delay (draining: nothing more is coming). */
  flush(): void;
  /** Resolves once nothing is queued or running (after `flush()`, during shutdown). */
  idle(): Promise<void>;
}

/** One submission: its outputs fill in as the batches holding its items finish. */
interface Submission<O> {
  outputs: O[];
  left: number;
  resolve: (outputs: O[]) => void;
  reject: (err: unknown) => void;
}

/** One queued item: its input and where its output goes (one promise per submission, not per item). */
interface Pending<I, O> {
  input: I;
  index: number;
  owner: Submission<O>;
}

function settle<I, O>(batch: Pending<I, O>[], outputs: O[]): void {
  if (outputs.length !== batch.length) {
    throw new Error(`batch runner returned ${outputs.length} outputs for ${batch.length} inputs`);
  }
  for (let i = 0; i < batch.length; i++) {
    const { owner, index } = batch[i];
    owner.outputs[index] = outputs[i];
    if (--owner.left === 0) owner.resolve(owner.outputs);
  }
}

/**
 * A dynamic batcher after Triton's: concurrent submissions are merged into one `run` call of at
 * most `maxBatchSize` items, and only one `run` is in flight at a time, so the next batch forms
 * while the current one executes. ONNX Runtime's node binding runs synchronously on the main
 * thread, so one call with N rows is far cheaper than N calls with one row.
 */
export function createBatcher<I, O>(opts: BatcherOptions<I, O>): Batcher<I, O> {
  if (!(opts.maxBatchSize >= 1)) throw new RangeError('maxBatchSize must be at least 1');
  const queue: Pending<I, O>[] = [];
  let running = false;
  let scheduled: NodeJS.Timeout | NodeJS.Immediate | undefined;
  let batches = 0;
  let items = 0;
  const idleWaiters: Array<() => void> = [];

  const cancelSchedule = (): void => {
    if (scheduled === undefined) return;
    clearTimeout(scheduled as NodeJS.Timeout);
    clearImmediate(scheduled as NodeJS.Immediate);
    scheduled = undefined;
  };

  // setImmediate runs after the poll phase, so requests read in this turn join the batch.
  const schedule = (delayMs: number): void => {
    if (running || scheduled !== undefined) return;
    scheduled = delayMs > 0 ? setTimeout(dispatch, delayMs) : setImmediate(dispatch);
  };

  async function dispatch(): Promise<void> {
    scheduled = undefined;
    if (running || queue.length === 0) return;
    running = true;
    const batch = queue.splice(0, opts.maxBatchSize);
    batches++;
    items += batch.length;
    try {
      settle(batch, await opts.run(batch.map((p) => p.input)));
    } catch (err) {
      for (const p of batch) p.owner.reject(err); // a settled promise ignores later calls
    } finally {
      running = false;
      opts.onBatch?.(batch.length);
      // Items queued during the run have already waited one run: they go now, not after a
      // setImmediate. The callers of this batch only continue once this returns (their promises
      // settle in microtasks), so a runner in another thread starts the next batch while this
      // thread is still answering the last one instead of idling through it.
      if (queue.length > 0) {
        cancelSchedule();
        void dispatch();
      } else for (const wake of idleWaiters.splice(0)) wake();
    }
  }

  return {
    submit(inputs) {
      const results = new Promise<O[]>((resolve, reject) => {
        const owner: Submission<O> = {
          outputs: new Array<O>(inputs.length),
          left: inputs.length,
          resolve,
          reject,
        };
        if (inputs.length === 0) resolve(owner.outputs);
        for (let i = 0; i < inputs.length; i++) queue.push({ input: inputs[i], index: i, owner });
      });
      if (!running && queue.length >= opts.maxBatchSize) {
        cancelSchedule();
        schedule(0);
      } else {
        schedule(opts.maxQueueDelayMs);
      }
      return results;
    },
    stats: () => ({ batches, items, queued: queue.length }),
    flush() {
      cancelSchedule();
      if (queue.length > 0) schedule(0);
    },
    idle() {
      if (!running && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
