import { randomUUID } from 'node:crypto';
import { Backend } from './backend.js';
import { upstreamHeaderLines } from './head-writer.js';
import { fieldValue, parseRequestHead } from './http-head.js';
import type { PairRing } from './pair-ring.js';
import type { CopyRecord, FromShadow, StatusReport } from './shadow-protocol.js';
import { ShadowRequest, type ShadowResult } from './shadow-request.js';
import type { ShadowPair } from './types.js';

export interface RecorderLimits {
  /** Copies in flight to the candidate at once; a copy beyond this is dropped and counted. */
  maxConcurrent: number;
  timeoutMs: number;
  /** Response bytes captured per pair. */
  maxBodyBytes: number;
}

/** What the recorder reports to the data plane, batched (see `report`). */
interface Pending {
  sent: number;
  dropped: number;
  failed: number;
  compared: number;
  statuses: StatusReport;
}

/** Counts and statuses reach the data plane at most this often: one message, not one per copy. */
const REPORT_MS = 100;

/**
 * The shadow thread's work: sends each copy handed over by the data plane to the candidate
 * backend on its own keep-alive connections, waits for the response (capped, with a timeout),
 * and records the pair in the bounded ring. Runs on the shadow thread; nothing here touches the
 * data plane's heap or event loop except the batched `report` messages.
 */
export class ShadowRecorder {
  private readonly backends = new Map<string, Backend>();
  private pending: Pending = { sent: 0, dropped: 0, failed: 0, compared: 0, statuses: {} };
  private reportTimer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  /** Whether the data plane has in-process subscribers: then every pair is posted to it. */
  subscribed = false;

  constructor(
    private readonly limits: RecorderLimits,
    private readonly ring: PairRing,
    /** Called once per settled copy (the data plane's concurrency budget). */
    private readonly settled: () => void,
    private readonly post: (m: FromShadow) => void,
  ) {}

  /** Send the batch's copies; `bytes` holds each record's request then response body, in order. */
  accept(records: CopyRecord[], bytes: Uint8Array): void {
    let off = 0;
    for (const r of records) {
      const request = Buffer.from(bytes.buffer, bytes.byteOffset + off, r.requestBytes);
      off += r.requestBytes;
      const response = Buffer.from(bytes.buffer, bytes.byteOffset + off, r.responseBytes);
      off += r.responseBytes;
      if (this.inFlight >= this.limits.maxConcurrent) {
        this.pending.dropped++;
        this.scheduleReport();
        this.settled();
        continue;
      }
      try {
        this.send(r, request, response);
      } catch {
        // a head the data plane accepted always parses again; if not, the copy is lost, not the thread
        this.settled();
      }
    }
  }

  private backend(url: string): Backend {
    let b = this.backends.get(url);
    if (!b) {
      // connection pooling only: health is the data plane's (fed by `report`)
      b = new Backend(url, { maxIdle: 64, maxFailures: Number.MAX_SAFE_INTEGER, retryAfterMs: 0 });
      this.backends.set(url, b);
    }
    return b;
  }

  private send(r: CopyRecord, requestBody: Buffer, responseBody: Buffer): void {
    const headBytes = Buffer.from(r.head, 'latin1');
    const head = parseRequestHead(headBytes, headBytes.length);
    const requestId = fieldValue(head, 'x-request-id') ?? randomUUID();
    const lines = upstreamHeaderLines(head, r.remote, 'shadow', true);
    const top =
      `${head.method} ${head.target} HTTP/1.1\r\n${lines}` +
      `content-length: ${requestBody.length}\r\nx-greenlight-shadow: 1\r\n\r\n`;
    // a small body rides in the same latin1 string (bytes map to chars one to one): one write, no concat
    const request =
      requestBody.length <= 4096
        ? top + requestBody.toString('latin1')
        : Buffer.concat([Buffer.from(top, 'latin1'), requestBody]);
    const backend = this.backend(r.url);
    this.pending.sent++;
    this.inFlight++;
    this.scheduleReport();
    new ShadowRequest(
      backend,
      request,
      head.method === 'HEAD',
      this.limits.timeoutMs,
      this.limits.maxBodyBytes,
      (res) => {
        this.inFlight--;
        this.settled();
        this.done(r, res, { requestId, method: head.method, target: head.target, requestBody, responseBody });
      },
    );
  }

  private done(
    r: CopyRecord,
    res: ShadowResult,
    c: { requestId: string; method: string; target: string; requestBody: Buffer; responseBody: Buffer },
  ): void {
    const statuses = this.pending.statuses;
    if (res.error) this.pending.failed++;
    else if (statuses[r.url]) statuses[r.url].push(res.status);
    else statuses[r.url] = [res.status];
    this.scheduleReport();
    if (!r.primary) return;
    this.pending.compared++;
    const p = r.primary;
    const seq = this.ring.push({
      requestId: c.requestId,
      time: r.time,
      method: c.method,
      path: c.target,
      requestBody: c.requestBody,
      primary: {
        color: p.color,
        status: p.status,
        body: c.responseBody,
        latencyMs: p.latencyMs,
        version: p.version,
      },
      shadow: {
        color: r.color,
        status: res.status,
        body: res.body,
        latencyMs: res.latencyMs,
        version: res.version,
        error: res.error,
      },
    });
    if (this.subscribed) this.post({ type: 'pair', pair: this.ring.get(seq) });
  }

  private scheduleReport(): void {
    if (this.reportTimer) return;
    this.reportTimer = setTimeout(() => this.report(), REPORT_MS);
  }

  /** Post what happened since the last report. */
  report(): void {
    if (this.reportTimer) clearTimeout(this.reportTimer);
    this.reportTimer = null;
    const p = this.pending;
    if (p.sent + p.dropped + p.failed + p.compared === 0 && Object.keys(p.statuses).length === 0) return;
    this.pending = { sent: 0, dropped: 0, failed: 0, compared: 0, statuses: {} };
    this.post({ type: 'report', ...p });
  }

  pairs(since: number, limit: number): { pairs: ShadowPair[]; nextSeq: number; evicted: number } {
    const pairs = this.ring.since(since, limit);
    const nextSeq = pairs.length > 0 ? pairs[pairs.length - 1].seq : Math.max(since, this.ring.next - 1);
    return { pairs, nextSeq, evicted: this.ring.evicted };
  }

  close(): void {
    this.report();
    for (const b of this.backends.values()) b.close();
  }
}
