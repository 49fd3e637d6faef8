import type { Color } from '../spec/types.js';
import type { ColorPool } from './color-pool.js';
import type { RequestHead } from './http-head.js';
import type { CopyRecord, PrimaryMeta } from './shadow-protocol.js';

/** What a capture needs from the shadow it belongs to. */
export interface CaptureOwner {
  readonly limits: { maxBodyBytes: number };
  /** A copy is due (counted against the concurrency budget from now on). */
  reserve(): void;
  /** The user's exchange is over: hand the due copy over. */
  enqueue(capture: ShadowCapture, candidate: ColorPool): void;
  dropped(why: string): void;
}

/**
 * What the data plane records about one sampled request while it is being served: references to
 * the request and response bytes as the sockets delivered them, nothing decoded. They are copied
 * out once, when the copy is handed to the shadow thread, and dropped with the capture.
 */
export class ShadowCapture {
  readonly time = Date.now();
  /** The user's request head, latin1 as received (the shadow thread builds the copy from it). */
  readonly head: string;
  readonly requestParts: Buffer[] = [];
  requestBytes = 0;
  readonly responseParts: Buffer[] = [];
  responseBytes = 0;
  tooLarge = false;
  primary: PrimaryMeta | null = null;
  private abandoned = false;
  /** Set once the request is complete: where the copy goes when the user's exchange ends. */
  private candidate: ColorPool | null = null;

  constructor(
    private readonly owner: CaptureOwner,
    head: RequestHead,
    /** Client address, for the copy's X-Forwarded-For. */
    readonly remote: string,
  ) {
    this.head = head.text;
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

  /** The user's exchange is over: hand a due copy over. */
  private release(): void {
    const candidate = this.candidate;
    if (!candidate) return;
    this.candidate = null;
    this.owner.enqueue(this, candidate);
  }

  primaryDone(color: Color, status: number, latencyMs: number, version: string | undefined): void {
    this.primary = { color, status, latencyMs, version };
    this.release();
  }

  /** The primary failed or the copy could not be sent: no pair. */
  abandon(): void {
    // a copy already due is still sent (and counted as sent); its pair is never recorded
    this.release();
    if (this.abandoned) return;
    this.abandoned = true;
    this.owner.dropped('abandoned');
  }

  /** The copy as handed to the shadow thread (its bodies travel in the batch's bytes). */
  record(url: string, color: Color): CopyRecord {
    return {
      url,
      color,
      head: this.head,
      remote: this.remote,
      time: this.time,
      requestBytes: this.requestBytes,
      responseBytes: this.responseBytes,
      primary: this.abandoned ? null : this.primary,
    };
  }

  /** Copy the request then the response body into `into` at `offset`; returns the next offset. */
  copyBodies(into: Uint8Array, offset: number): number {
    let off = offset;
    for (const p of this.requestParts) {
      into.set(p, off);
      off += p.length;
    }
    for (const p of this.responseParts) {
      into.set(p, off);
      off += p.length;
    }
    return off;
  }
}
