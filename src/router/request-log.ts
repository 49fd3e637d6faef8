import { randomBytes } from 'node:crypto';
import type { Color } from '../spec/types.js';
import type { LogSink } from './request-log-sink.js';

/** Records formatted per event-loop turn at most. */
const MAX_BATCH = 2048;

export interface RequestLogOptions {
  /** Fraction of requests logged, 0..1 (default 1). */
  sampleRate?: number;
  /** Records held between flushes; beyond it records are dropped and counted (default 32,768). */
  capacity?: number;
  /** How often the buffered records are written (ms, default 50: small batches, short event-loop turns). */
  flushMs?: number;
  random?: () => number;
}

/** What `/state` shows of the request log. */
export interface RequestLogState {
  path: string;
  sampleRate: number;
  written: number;
  dropped: number;
}

/** One line of the request log, as written (and as `greenlight requests` reads it back). */
export interface RequestLogLine {
  id: string;
  /** Arrival and completion, ISO 8601 with milliseconds. */
  start: string;
  end: string;
  color: Color;
  /** The upstream's `x-model-version`; null when it sent none (or no upstream answered). */
  version: string | null;
  generation: number;
  status: number;
  latencyMs: number;
  shadowed: boolean;
}

/**
 * The request log's in-memory side. The data path calls `record` once per answered request: a
 * few typed-array stores into a fixed ring, no allocation, no string building, no syscall. A
 * timer turns what has accumulated into JSON lines and hands them to the sink, one write in
 * flight at most; while it is in flight the ring fills, and a record that finds the ring full is
 * dropped and counted, so a slow or full disk costs lines, never a user request's time.
 */
export class RequestLog {
  readonly sampleRate: number;
  written = 0;
  dropped = 0;
  private readonly capacity: number;
  private readonly startMs: Float64Array;
  private readonly endMs: Float64Array;
  /** Status, generation and flags (bit 0 green, bit 1 shadowed) per record. */
  private readonly status: Int32Array;
  private readonly generation: Int32Array;
  private readonly flags: Uint8Array;
  private readonly versions: (string | undefined)[];
  private readonly seqs: Float64Array;
  private head = 0;
  private count = 0;
  private seq = 0;
  private writing = false;
  private readonly timer: NodeJS.Timeout;
  private readonly random: () => number;
  /** Ids are `<prefix>-<seq>`: unique across router restarts without a UUID per request. */
  private readonly prefix = randomBytes(4).toString('hex');
  /** performance.now() + this = epoch ms (one clock, read once per request already). */
  private readonly origin = performance.timeOrigin;
  private isoSecond = -1;
  private isoPrefix = '';
  private lastVersion: string | undefined = undefined;
  private lastVersionJson = 'null';
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly sink: LogSink,
    opts: RequestLogOptions = {},
  ) {
    this.sampleRate = opts.sampleRate ?? 1;
    this.capacity = opts.capacity ?? 32_768;
    this.random = opts.random ?? Math.random;
    const n = this.capacity;
    this.startMs = new Float64Array(n);
    this.endMs = new Float64Array(n);
    this.status = new Int32Array(n);
    this.generation = new Int32Array(n);
    this.flags = new Uint8Array(n);
    this.versions = new Array(n).fill(undefined);
    this.seqs = new Float64Array(n);
    this.timer = setInterval(() => this.flush(), opts.flushMs ?? 50);
    this.timer.unref();
  }

  /**
   * One answered request: `t0` and `t1` are performance.now() values the caller already has.
   * Hot path: keep it to stores.
   */
  record(
    t0: number,
    t1: number,
    color: Color,
    generation: number,
    status: number,
    version: string | undefined,
    shadowed: boolean,
  ): void {
    const seq = ++this.seq;
    if (this.sampleRate < 1 && this.random() >= this.sampleRate) return;
    if (this.count === this.capacity) {
      this.dropped++;
      return;
    }
    const i = (this.head + this.count) % this.capacity;
    this.count++;
    this.startMs[i] = t0;
    this.endMs[i] = t1;
    this.status[i] = status;
    this.generation[i] = generation;
    this.flags[i] = (color === 'green' ? 1 : 0) | (shadowed ? 2 : 0);
    this.versions[i] = version;
    this.seqs[i] = seq;
  }

  state(): RequestLogState {
    return { path: this.path, sampleRate: this.sampleRate, written: this.written, dropped: this.dropped };
  }

  /** Write what is buffered now (also what the timer calls); resolves when that write settled. */
  flush(): Promise<void> {
    if (this.writing || this.count === 0) return this.flushing;
    // at most a batch per turn: formatting runs on the data plane's event loop, between requests
    const n = Math.min(this.count, MAX_BATCH);
    const text = this.lines(n);
    this.writing = true;
    this.flushing = this.sink.write(text).then(
      () => {
        this.written += n;
      },
      () => {
        this.dropped += n;
      },
    );
    this.flushing = this.flushing.finally(() => {
      this.writing = false;
      if (this.count >= MAX_BATCH) setImmediate(() => this.flush());
    });
    return this.flushing;
  }

  /**
   * Flush what is left, stop the timer and close the sink. A write stuck longer than `graceMs`
   * (a hung disk) must not hold the router's shutdown: what is still buffered then counts as dropped.
   */
  async close(graceMs = 1000): Promise<void> {
    clearInterval(this.timer);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((r) => {
      timer = setTimeout(() => r('late'), graceMs);
    });
    const settled = async () => {
      await this.flushing;
      await this.flush();
    };
    const outcome = await Promise.race([settled(), deadline]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.dropped += this.count;
      this.count = 0;
    }
    await this.sink.close();
  }

  /** The `n` oldest records as JSON lines, removed from the ring. */
  private lines(n: number): string {
    let out = '';
    for (let k = 0; k < n; k++) {
      const i = (this.head + k) % this.capacity;
      const start = this.origin + this.startMs[i];
      const end = this.origin + this.endMs[i];
      const f = this.flags[i];
      out +=
        `{"id":"${this.prefix}-${this.seqs[i]}","start":"${this.iso(start)}",` +
        `"end":"${this.iso(end)}","color":"${f & 1 ? 'green' : 'blue'}",` +
        `"version":${this.versionJson(this.versions[i])},"generation":${this.generation[i]},` +
        `"status":${this.status[i]},"latencyMs":${Math.round((this.endMs[i] - this.startMs[i]) * 1000) / 1000},` +
        `"shadowed":${(f & 2) !== 0}}\n`;
      this.versions[i] = undefined;
    }
    this.head = (this.head + n) % this.capacity;
    this.count -= n;
    return out;
  }

  /** ISO 8601 of epoch ms: one Date per second of log, not two per line (same output as toISOString). */
  private iso(ms: number): string {
    const t = Math.floor(ms);
    const sec = Math.floor(t / 1000);
    if (sec !== this.isoSecond) {
      this.isoSecond = sec;
      this.isoPrefix = new Date(sec * 1000).toISOString().slice(0, 20);
    }
    const r = t - sec * 1000;
    return `${this.isoPrefix}${r < 10 ? '00' : r < 100 ? '0' : ''}${r}Z`;
  }

  /** Versions repeat (one or two per router): escape each distinct one once. */
  private versionJson(v: string | undefined): string {
    if (v === undefined) return 'null';
    if (v !== this.lastVersion) {
      this.lastVersion = v;
      this.lastVersionJson = JSON.stringify(v);
    }
    return this.lastVersionJson;
  }
}
