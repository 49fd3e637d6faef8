import { Worker } from 'node:worker_threads';
import type { Backend } from './backend.js';
import type { ColorPool } from './color-pool.js';
import type { RouterMetrics } from './metrics.js';
import { ShadowCapture } from './shadow-capture.js';
import {
  type CopyRecord,
  type FromShadow,
  OUTSTANDING,
  type ShadowThreadData,
  SLOTS,
  type StatusReport,
  type ToShadow,
} from './shadow-protocol.js';
import type { ShadowConfig, ShadowPair } from './types.js';

export { ShadowCapture };

export interface ShadowLimits {
  /**
   * Shadow copies in flight to the candidate at once; beyond this a copy is dropped and counted
   * (and a sampled request is not captured at all once HANDOVER_BOUND times this are pending).
   */
  maxConcurrent: number;
  timeoutMs: number;
  /** Request and response bodies captured per pair; a request body beyond this is not shadowed. */
  maxBodyBytes: number;
  /** Pairs kept, at most, and the bytes they may take, at most (the newest win). */
  bufferSize: number;
  bufferBytes: number;
}

/** Starts the shadow thread; injected so tests can give one that fails. */
export type SpawnShadowThread = (data: ShadowThreadData) => Worker;

type Page = { pairs: ShadowPair[]; nextSeq: number; dropped: number };

/**
 * Copies are handed over in batches this often: one message (and one wake-up of the shadow thread)
 * per batch instead of per copy. A postMessage costs the data plane ~12-20 µs; at 2,000 copies/s
 * batching cuts that to ~200 messages/s. Shadow is asynchronous: a few ms later changes nothing.
 */
const HANDOVER_MS = 5;
/**
 * Copies handed over and not settled may reach this many times maxConcurrent: the shadow thread
 * yields the CPU to the data plane, so on a busy machine it may be kept waiting for tens of ms;
 * meanwhile copies queue (bounded) rather than being lost. The candidate still never sees more
 * than maxConcurrent at once (the shadow thread drops and counts beyond that).
 */
const HANDOVER_BOUND = 4;
/** The shadow thread's nice value: it runs when the data plane does not need the CPU. */
const SHADOW_NICE = 19;

/** The compiled shadow-thread module (under vitest this file runs from src/, the worker from dist/). */
function threadModule(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts')
    ? new URL('../../dist/src/router/shadow-thread.js', here)
    : new URL('./shadow-thread.js', here);
}

/** The default: the compiled shadow-thread module in a worker thread. */
export const spawnShadowThread: SpawnShadowThread = (data) =>
  new Worker(threadModule(), { workerData: data });

/**
 * Shadow traffic, data-plane side: samples requests and hands each copy, once its user has been
 * answered, to the shadow thread (started when shadow is first enabled), which sends it, waits for
 * the candidate and keeps the pairs. Nothing here can delay a user response: sampling is a counter
 * check; the hand-over is one message per batch of copies (a timer, so other users' bytes go
 * first), never waited on; a copy beyond the concurrency budget (due, queued or in flight) is
 * dropped and counted. If the shadow thread dies, shadow stops (every sampled request is
 * counted as dropped) and user traffic goes on.
 */
export class Shadow {
  private cfg: ShadowConfig = { enabled: false, sampleRate: 0 };
  droppedCount = 0;
  private readonly subscribers = new Set<(pair: ShadowPair) => void>();
  /** Copies due but not handed over yet (their user's exchange is still running, or they are queued). */
  private due = 0;
  /** [OUTSTANDING]: copies handed over and not settled yet; the shadow thread counts them down. */
  private readonly shared = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
  /** Copies waiting for the next hand-over. */
  private queue: { capture: ShadowCapture; candidate: ColorPool }[] = [];
  private thread: Worker | null = null;
  private dead = false;
  private closing = false;
  private nextPage = 1;
  private readonly pages = new Map<number, (p: Page) => void>();
  /** The candidate backends copies went to, by URL, for the passive health the thread reports. */
  private readonly backends = new Map<string, Backend>();

  constructor(
    readonly limits: ShadowLimits,
    private readonly metrics: RouterMetrics,
    private readonly random: () => number,
    private readonly spawn: SpawnShadowThread = spawnShadowThread,
  ) {}

  get config(): ShadowConfig {
    return this.cfg;
  }

  /** Enabling shadow for the first time starts the shadow thread. */
  set config(c: ShadowConfig) {
    this.cfg = c;
    if (c.enabled) this.start();
  }

  /** Whether to copy this request. Counts a drop when sampled but over budget or without a thread. */
  sample(): boolean {
    const c = this.cfg;
    if (!c.enabled || c.sampleRate <= 0) return false;
    if (c.sampleRate < 1 && this.random() >= c.sampleRate) return false;
    const budget = this.limits.maxConcurrent * HANDOVER_BOUND;
    if (this.dead || this.due + Atomics.load(this.shared, OUTSTANDING) >= budget) {
      this.dropped(this.dead ? 'no shadow thread' : 'overload');
      return false;
    }
    return true;
  }

  dropped(_why: string, n = 1): void {
    this.droppedCount += n;
    this.metrics.shadow('dropped', n);
  }

  /** A copy is due (counted against the hand-over budget from now on). */
  reserve(): void {
    this.due++;
  }

  /** Hand a due copy over with the others of the next few milliseconds (one message for them all). */
  enqueue(capture: ShadowCapture, candidate: ColorPool): void {
    if (this.queue.length === 0) setTimeout(() => this.flush(), HANDOVER_MS);
    this.queue.push({ capture, candidate });
  }

  /** One message for the queued copies: their records, and all their bodies in one transferred buffer. */
  private flush(): void {
    const queue = this.queue;
    this.queue = [];
    const records: CopyRecord[] = [];
    const captures: ShadowCapture[] = [];
    let total = 0;
    const now = Date.now();
    for (const { capture, candidate } of queue) {
      this.due--;
      const backend = this.dead ? undefined : candidate.pick(now);
      if (!backend) {
        capture.abandon();
        continue;
      }
      this.backends.set(backend.url, backend);
      records.push(capture.record(backend.url, candidate.color));
      captures.push(capture);
      total += capture.requestBytes + capture.responseBytes;
    }
    if (records.length === 0 || !this.thread) return;
    const bytes = new Uint8Array(total);
    let off = 0;
    for (const c of captures) off = c.copyBodies(bytes, off);
    Atomics.add(this.shared, OUTSTANDING, records.length);
    this.post({ type: 'copies', records, bytes }, [bytes.buffer]);
  }

  private start(): void {
    if (this.thread || this.dead || this.closing) return;
    const { maxConcurrent, timeoutMs, maxBodyBytes, bufferSize } = this.limits;
    // room for a few pairs of the largest kind (three capped bodies and a head) whatever the setting
    const bufferBytes = Math.max(this.limits.bufferBytes, 4 * (3 * maxBodyBytes + 65_536));
    const shared = this.shared.buffer as SharedArrayBuffer;
    const thread = this.spawn({
      shared,
      maxConcurrent,
      timeoutMs,
      maxBodyBytes,
      bufferSize,
      bufferBytes,
      nice: SHADOW_NICE,
    });
    this.thread = thread;
    // the data plane's server keeps the process alive; a forgotten close() must not
    thread.unref();
    thread.on('message', (m: FromShadow) => this.onMessage(m));
    thread.on('error', (err) => this.died(err));
    thread.on('exit', (code) => this.died(new Error(`shadow thread exited with code ${code}`)));
    if (this.subscribers.size > 0) this.post({ type: 'subscribe', on: true });
  }

  private post(m: ToShadow, transfer?: ArrayBuffer[]): void {
    this.thread?.postMessage(m, transfer);
  }

  private onMessage(m: FromShadow): void {
    if (m.type === 'report') {
      this.metrics.shadow('sent', m.sent);
      if (m.dropped > 0) this.dropped('candidate busy', m.dropped);
      this.metrics.shadow('failed', m.failed);
      this.metrics.shadow('compared', m.compared);
      this.applyStatuses(m.statuses);
    } else if (m.type === 'page') {
      const resolve = this.pages.get(m.id);
      this.pages.delete(m.id);
      resolve?.({ pairs: m.pairs, nextSeq: m.nextSeq, dropped: this.droppedCount + m.evicted });
    } else if (m.type === 'pair') {
      for (const cb of this.subscribers) {
        try {
          cb(m.pair);
        } catch {
          // a subscriber's bug must not reach the data plane
        }
      }
    }
  }

  /** Passive health from the candidate's answers to copies, as if the data plane had seen them. */
  private applyStatuses(statuses: StatusReport): void {
    const now = Date.now();
    for (const url of Object.keys(statuses)) {
      const b = this.backends.get(url);
      if (b) for (const s of statuses[url]) b.recordStatus(s, now);
    }
  }

  /** The shadow thread is gone: shadow stops, what it held is counted as dropped, users go on. */
  private died(err: Error): void {
    if (this.dead || this.closing) return;
    this.dead = true;
    this.thread = null;
    this.dropped('shadow thread died', Atomics.exchange(this.shared, OUTSTANDING, 0));
    this.answerPagesEmpty();
    process.emitWarning(`shadow traffic stopped: ${err.message}`, { code: 'GL_ROUTER_SHADOW_THREAD' });
  }

  private answerPagesEmpty(): void {
    for (const [id, resolve] of this.pages) {
      this.pages.delete(id);
      resolve({ pairs: [], nextSeq: 0, dropped: this.droppedCount });
    }
  }

  subscribe(cb: (pair: ShadowPair) => void): () => void {
    this.subscribers.add(cb);
    if (this.subscribers.size === 1) this.post({ type: 'subscribe', on: true });
    return () => {
      if (this.subscribers.delete(cb) && this.subscribers.size === 0)
        this.post({ type: 'subscribe', on: false });
    };
  }

  /** Pairs with seq > since, oldest first, at most `limit` (from the shadow thread's ring). */
  pairs(since: number, limit: number): Promise<Page> {
    const thread = this.thread;
    if (!thread)
      return Promise.resolve({ pairs: [], nextSeq: Math.max(since, 0), dropped: this.droppedCount });
    const id = this.nextPage++;
    return new Promise((resolve) => {
      this.pages.set(id, (p) => resolve(p.nextSeq === 0 ? { ...p, nextSeq: Math.max(since, 0) } : p));
      this.post({ type: 'pairs', id, since, limit });
    });
  }

  /** Stop the shadow thread (copies in flight are abandoned). */
  async close(): Promise<void> {
    this.closing = true;
    const thread = this.thread;
    this.thread = null;
    if (!thread) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      thread.on('message', (m: FromShadow) => {
        if (m.type !== 'closed') return;
        clearTimeout(timer);
        resolve();
      });
      thread.postMessage({ type: 'close' } satisfies ToShadow);
    });
    await thread.terminate();
    this.answerPagesEmpty();
  }
}
