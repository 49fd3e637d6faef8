import { randomUUID } from 'node:crypto';
import type { Color } from '../spec/types.js';
import type { ColorPool } from './color-pool.js';
import type { RouterMetrics } from './metrics.js';
import type { RingBuffer } from './ring-buffer.js';
import { ShadowRequest, type ShadowResult } from './shadow-request.js';
import type { ShadowConfig, ShadowPair } from './types.js';

export interface ShadowLimits {
  /** Shadow copies in flight at once; a sampled request beyond this is dropped and counted. */
  maxConcurrent: number;
  timeoutMs: number;
  /** Request and response bodies captured per pair; a request body beyond this is not shadowed. */
  maxBodyBytes: number;
}

/** What the data plane records about one sampled request while it is being served. */
export class ShadowCapture {
  readonly requestId: string;
  readonly time = Date.now();
  readonly requestParts: Buffer[] = [];
  requestBytes = 0;
  readonly responseParts: Buffer[] = [];
  responseBytes = 0;
  tooLarge = false;
  private primary: ShadowPair['primary'] | null = null;
  private shadowResult: ShadowPair['shadow'] | null = null;
  private abandoned = false;

  constructor(
    private readonly owner: Shadow,
    readonly method: string,
    readonly target: string,
    /** Forwardable request header lines (hop-by-hop already removed). */
    readonly headerLines: string,
    requestId: string | undefined,
  ) {
    this.requestId = requestId ?? randomUUID();
  }

  addRequest(p: Buffer): void {
    this.requestBytes += p.length;
    if (this.requestBytes > this.owner.limits.maxBodyBytes) this.tooLarge = true;
    else this.requestParts.push(p);
  }

  addResponse(p: Buffer): void {
    const room = this.owner.limits.maxBodyBytes - this.responseBytes;
    if (room <= 0) return;
    const slice = p.length > room ? p.subarray(0, room) : p;
    this.responseParts.push(slice);
    this.responseBytes += slice.length;
  }

  /** The request body is complete: send the copy now, in parallel with the primary. */
  requestComplete(candidate: ColorPool): void {
    if (this.tooLarge) {
      this.abandon();
      return;
    }
    this.owner.send(this, candidate);
  }

  primaryDone(color: Color, status: number, latencyMs: number, version: string | undefined): void {
    this.primary = {
      color,
      status,
      body: Buffer.concat(this.responseParts).toString('utf8'),
      latencyMs,
      version,
    };
    this.maybeEmit();
  }

  shadowDone(color: Color, r: ShadowResult): void {
    this.shadowResult = { color, ...r };
    this.maybeEmit();
  }

  /** The primary failed or the copy could not be sent: no pair. */
  abandon(): void {
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
 * counter check, the copy runs on its own connection, and overload drops copies (counted).
 */
export class Shadow {
  config: ShadowConfig = { enabled: false, sampleRate: 0 };
  inFlight = 0;
  droppedCount = 0;
  private readonly subscribers = new Set<(pair: ShadowPair) => void>();

  constructor(
    readonly limits: ShadowLimits,
    private readonly buffer: RingBuffer<ShadowPair>,
    private readonly metrics: RouterMetrics,
    private readonly random: () => number,
  ) {}

  /** Whether to copy this request. Counts a drop when sampled but over the concurrency budget. */
  sample(): boolean {
    const c = this.config;
    if (!c.enabled || c.sampleRate <= 0) return false;
    if (c.sampleRate < 1 && this.random() >= c.sampleRate) return false;
    if (this.inFlight >= this.limits.maxConcurrent) {
      this.dropped('overload');
      return false;
    }
    return true;
  }

  dropped(_why: string): void {
    this.droppedCount++;
    this.metrics.shadow('dropped');
  }

  send(capture: ShadowCapture, candidate: ColorPool): void {
    const backend = candidate.pick(Date.now());
    if (!backend) {
      capture.abandon();
      return;
    }
    const body = Buffer.concat(capture.requestParts);
    const head =
      `${capture.method} ${capture.target} HTTP/1.1\r\n${capture.headerLines}` +
      `content-length: ${body.length}\r\nx-greenlight-shadow: 1\r\n\r\n`;
    this.inFlight++;
    this.metrics.shadow('sent');
    new ShadowRequest(
      backend,
      Buffer.concat([Buffer.from(head, 'latin1'), body]),
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

  emit(capture: ShadowCapture, primary: ShadowPair['primary'], shadow: ShadowPair['shadow']): void {
    this.metrics.shadow('compared');
    const pair = this.buffer.push((seq) => ({
      seq,
      requestId: capture.requestId,
      time: capture.time,
      method: capture.method,
      path: capture.target,
      requestBody: Buffer.concat(capture.requestParts).toString('utf8'),
      primary,
      shadow,
    }));
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
    const pairs = this.buffer.since(since, limit);
    const nextSeq = pairs.length > 0 ? pairs[pairs.length - 1].seq : Math.max(since, this.buffer.next - 1);
    return { pairs, nextSeq, dropped: this.droppedCount + this.buffer.evicted };
  }
}
