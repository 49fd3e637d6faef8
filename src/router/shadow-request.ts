import { BodyFramer } from '../http/body-framer.js';
import { fieldValue, headEnd, parseResponseHead, type ResponseHead } from '../http/head.js';
import type { Backend } from './backend.js';
import type { UpstreamConn, UpstreamHandler } from './upstream-conn.js';

export interface ShadowResult {
  status: number;
  /** The captured (capped) body as received; decoded once, when the pair is recorded. */
  body: Buffer[];
  latencyMs: number;
  version?: string;
  error?: string;
}

/**
 * One shadow copy sent to a candidate backend over the same pooled connections the data plane
 * uses. It buffers the (capped) response body and always settles: on response, error or timeout.
 */
export class ShadowRequest implements UpstreamHandler {
  private conn: UpstreamConn;
  private buf: Buffer | null = null;
  private head: ResponseHead | null = null;
  private framer: BodyFramer | null = null;
  private readonly parts: Buffer[] = [];
  private captured = 0;
  private readonly started = performance.now();
  private readonly timer: NodeJS.Timeout;
  private settled = false;

  constructor(
    private readonly backend: Backend,
    request: string | Buffer,
    private readonly isHead: boolean,
    timeoutMs: number,
    private readonly maxBody: number,
    private readonly done: (r: ShadowResult) => void,
  ) {
    backend.inFlight++;
    this.conn = backend.acquire();
    this.conn.handler = this;
    this.timer = setTimeout(() => this.fail('timeout'), timeoutMs);
    this.conn.write(request);
  }

  onUpstreamData(view: Buffer): void {
    // the candidate's response is kept (pending head, captured body): bytes of its own
    this.take(Buffer.from(view));
  }

  private take(chunk: Buffer): void {
    try {
      if (this.head) {
        this.body(chunk, 0);
        return;
      }
      this.buf = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
      const end = headEnd(this.buf);
      if (end < 0) {
        if (this.buf.length > 65536) this.fail('response head too large');
        return;
      }
      const head = parseResponseHead(this.buf, end);
      if (head.status < 200) {
        this.buf = this.buf.subarray(end);
        this.buf.length > 0 ? this.take(Buffer.alloc(0)) : undefined;
        return;
      }
      this.head = head;
      const noBody = this.isHead || head.status === 204 || head.status === 304;
      if (noBody) this.framer = new BodyFramer('none');
      else if (head.chunked) this.framer = new BodyFramer('chunked');
      else if (head.otherEncoding || head.contentLength < 0) this.framer = new BodyFramer('close');
      else this.framer = new BodyFramer('length', head.contentLength);
      this.framer.capture((p) => this.keep(p));
      const rest = this.buf;
      this.buf = null;
      this.body(rest, end);
    } catch (err) {
      this.fail((err as Error).message);
    }
  }

  onUpstreamDrain(): void {}

  onUpstreamClose(err: Error | undefined): void {
    if (this.head && this.framer?.framing === 'close') this.finish(false);
    else this.fail(err?.message ?? 'connection closed');
  }

  private keep(p: Buffer): void {
    if (this.captured >= this.maxBody) return;
    const slice = p.subarray(0, this.maxBody - this.captured);
    this.parts.push(slice);
    this.captured += slice.length;
  }

  private body(chunk: Buffer, offset: number): void {
    const framer = this.framer!;
    const n = framer.consume(chunk, offset);
    if (framer.done) this.finish(offset + n === chunk.length && !this.head!.close);
  }

  private finish(reusable: boolean): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.backend.inFlight--;
    this.backend.recordStatus(this.head!.status, Date.now());
    if (reusable) this.backend.release(this.conn);
    else this.conn.destroy();
    this.done({
      status: this.head!.status,
      body: this.parts,
      latencyMs: performance.now() - this.started,
      version: fieldValue(this.head!, 'x-model-version'),
    });
  }

  private fail(reason: string): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.backend.inFlight--;
    this.conn.destroy();
    this.done({
      status: this.head?.status ?? 0,
      body: [],
      latencyMs: performance.now() - this.started,
      version: this.head ? fieldValue(this.head, 'x-model-version') : undefined,
      error: reason,
    });
  }
}
