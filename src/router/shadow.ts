import { randomUUID } from 'node:crypto';
import { fieldValue, type RequestHead } from '../http/head.js';
import type { Color } from '../spec/types.js';
import type { ColorPool } from './color-pool.js';
import { upstreamHeaderLines } from './head-writer.js';
import type { RouterMetrics } from './metrics.js';
import type { PairRing } from './pair-ring.js';
import { ShadowRequest, type ShadowResult } from './shadow-request.js';
import type { ShadowConfig, ShadowPair } from './types.js';

export interface ShadowLimits {
  /** Shadow copies in flight at once; a sampled request beyond this is dropped and counted. */
  maxConcurrent: number;
  timeoutMs: number;
  /** Request and response bodies captured per pair; a request body beyond this is not shadowed. */
  maxBodyBytes: number;
}

interface PrimaryResult {
  color: Color;
  status: number;
  latencyMs: number;
  version: string | undefined;
}

/** What the data plane records about one sampled request while it is being served. */
export class ShadowCapture {
  /** From `x-request-id`, or generated when the copy is sent. */
  requestId = '';
  readonly time = Date.now();
  readonly method: string;
  readonly target: string;
  readonly requestParts: Buffer[] = [];
  requestBytes = 0;
  readonly responseParts: Buffer[] = [];
  responseBytes = 0;
  tooLarge = false;
  /** The request head, kept until the copy is built (off the user's path, see Shadow.send). */
  private head: RequestHead | null;
  private primary: PrimaryResult | null = null;
  private shadowResult: (ShadowResult & { color: Color }) | null = null;
  private abandoned = false;
  /** Set once the request is complete: where the copy goes when the user's exchange ends. */
  private candidate: ColorPool | null = null;

  constructor(
    private readonly owner: Shadow,
    head: RequestHead,
    /** Client address, for the copy's X-Forwarded-For. */
    private readonly remote: string,
  ) {
    this.head = head;
    this.method = head.method;
    this.target = head.target;
  }

  /** A part of the request body; `p` may be a view of a read buffer: the capture keeps a copy. */
  addRequest(p: Buffer): void {
    this.requestBytes += p.length;
    if (this.requestBytes > this.owner.limits.maxBodyBytes) this.tooLarge = true;
    else this.requestParts.push(Buffer.from(p));
  }

  /** A part of the primary's response body; like addRequest, kept as a copy. */
  addResponse(p: Buffer): void {
    const room = this.owner.limits.maxBodyBytes - this.responseBytes;
    if (room <= 0) return;
    const slice = Buffer.from(p.length > room ? p.subarray(0, room) : p);
    this.responseParts.push(slice);
    this.responseBytes += slice.length;
  }

  /**
   * The request body is complete: the copy is due. It leaves after the user's response has been
   * written (primaryDone / abandon), so it never competes with its own user's exchange.
   */
  requestComplete(candidate: ColorPool): void {
    if (this.tooLarge) {
      this.abandon();
      return;
    }
    this.candidate = candidate;
    this.owner.reserve();
  }

  /** The user's exchange is over: hand a due copy to the sender. */
  private release(): void {
    const candidate = this.candidate;
    if (!candidate) return;
    this.candidate = null;
    this.owner.enqueue(this, candidate);
  }

  /** The copy's request bytes: the forwardable fields of the user's head, re-framed with Content-Length. */
  buildRequest(): string {
    const head = this.head!;
    this.head = null;
    this.requestId = fieldValue(head, 'x-request-id') ?? randomUUID();
    const lines = upstreamHeaderLines(head, this.remote, 'shadow', true);
    const parts = this.requestParts;
    // latin1 maps bytes to chars one to one: the body travels unchanged in a single string write
    const body =
      parts.length === 0
        ? ''
        : parts.length === 1
          ? parts[0].toString('latin1')
          : Buffer.concat(parts).toString('latin1');
    return (
      `${this.method} ${this.target} HTTP/1.1\r\n${lines}` +
      `content-length: ${this.requestBytes}\r\nx-greenlight-shadow: 1\r\n\r\n${body}`
    );
  }

  primaryDone(color: Color, status: number, latencyMs: number, version: string | undefined): void {
    this.primary = { color, status, latencyMs, version };
    this.release();
    this.maybeEmit();
  }

  shadowDone(color: Color, r: ShadowResult): void {
    this.shadowResult = {
      color,
      status: r.status,
      body: r.body,
      latencyMs: r.latencyMs,
      version: r.version,
      error: r.error,
    };
    this.maybeEmit();
  }

  /** The primary failed or the copy could not be sent: no pair. */
  abandon(): void {
    // a copy already due is still sent (and counted as sent); its pair is never emitted
    this.release();
    if (this.abandoned) return;
    this.abandoned = true;
    this.owner.dropped('abandoned');
  }

  private maybeEmit(): void {
    if (this.abandoned || !this.primary || !this.shadowResult) return;
    this.owner.emit(this, this.primary, this.shadowResult);
  }
}

/**
 * Shadow traffic: samples requests, sends copies to the candidate color asynchronously, and
 * records pairs in a bounded ring buffer. Nothing here can delay a user response: sampling is a
 * counter check; a copy is built and sent only after its user's response has been written, in a
 * setImmediate (after the I/O of that event-loop turn, so other users' bytes go first), on its own
 * connection; overload drops copies (counted).
 */
export class Shadow {
  config: ShadowConfig = { enabled: false, sampleRate: 0 };
  inFlight = 0;
  droppedCount = 0;
  private readonly subscribers = new Set<(pair: ShadowPair) => void>();
  /** Copies due but not sent yet (their user's exchange is still running, or they are queued). */
  private due = 0;
  /** Copies waiting for the next setImmediate. */
  private queue: { capture: ShadowCapture; candidate: ColorPool }[] = [];

  constructor(
    readonly limits: ShadowLimits,
    private readonly ring: PairRing,
    private readonly metrics: RouterMetrics,
    private readonly random: () => number,
  ) {}

  /** Whether to copy this request. Counts a drop when sampled but over the concurrency budget. */
  sample(): boolean {
    const c = this.config;
    if (!c.enabled || c.sampleRate <= 0) return false;
    if (c.sampleRate < 1 && this.random() >= c.sampleRate) return false;
    if (this.inFlight + this.due >= this.limits.maxConcurrent) {
      this.dropped('overload');
      return false;
    }
    return true;
  }

  dropped(_why: string): void {
    this.droppedCount++;
    this.metrics.shadow('dropped');
  }

  /** A copy is due (counted against maxConcurrent from now on). */
  reserve(): void {
    this.due++;
  }

  /** Send a due copy after the current I/O phase (one setImmediate for every copy of the turn). */
  enqueue(capture: ShadowCapture, candidate: ColorPool): void {
    if (this.queue.length === 0) setImmediate(() => this.flush());
    this.queue.push({ capture, candidate });
  }

  private flush(): void {
    const queue = this.queue;
    this.queue = [];
    for (const { capture, candidate } of queue) {
      this.due--;
      this.send(capture, candidate);
    }
  }

  private send(capture: ShadowCapture, candidate: ColorPool): void {
    const backend = candidate.pick(Date.now());
    if (!backend) {
      capture.abandon();
      return;
    }
    const request = capture.buildRequest();
    this.inFlight++;
    this.metrics.shadow('sent');
    new ShadowRequest(
      backend,
      request,
      capture.method === 'HEAD',
      this.limits.timeoutMs,
      this.limits.maxBodyBytes,
      (r) => {
        this.inFlight--;
        if (r.error) this.metrics.shadow('failed');
        capture.shadowDone(candidate.color, r);
      },
    );
  }

  /**
   * Record the pair. Its bytes are copied into the ring as they are (no decoding, no strings kept):
   * the ring is bytes outside the JS heap, so however full it is, the data plane's GC has nothing
   * of it to trace or copy. A pair object is built only for in-process subscribers, if any.
   */
  emit(capture: ShadowCapture, primary: PrimaryResult, shadow: ShadowResult & { color: Color }): void {
    this.metrics.shadow('compared');
    const seq = this.ring.push({
      requestId: capture.requestId,
      time: capture.time,
      method: capture.method,
      path: capture.target,
      requestBody: capture.requestParts,
      primary: {
        color: primary.color,
        status: primary.status,
        body: capture.responseParts,
        latencyMs: primary.latencyMs,
        version: primary.version,
      },
      shadow,
    });
    if (this.subscribers.size === 0) return;
    const pair = this.ring.get(seq);
    for (const cb of this.subscribers) {
      try {
        cb(pair);
      } catch {
        // a subscriber's bug must not reach the data plane
      }
    }
  }

  subscribe(cb: (pair: ShadowPair) => void): () => void {
    this.subscribers.add(cb);
    return () => this.subscribers.delete(cb);
  }

  pairs(since: number, limit: number): { pairs: ShadowPair[]; nextSeq: number; dropped: number } {
    const pairs = this.ring.since(since, limit);
    const nextSeq = pairs.length > 0 ? pairs[pairs.length - 1].seq : Math.max(since, this.ring.next - 1);
    return { pairs, nextSeq, dropped: this.droppedCount + this.ring.evicted };
  }
}
