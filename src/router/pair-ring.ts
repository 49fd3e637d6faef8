import type { Color } from '../spec/types.js';
import type { ShadowPair } from './types.js';

/**
 * A pair as recorded: its text fields latin1 (from heads), its bodies raw bytes in the parts the
 * sockets delivered, decoded on read.
 */
export interface PairInput {
  requestId: string;
  time: number;
  method: string;
  path: string;
  requestBody: Buffer[];
  primary: { color: Color; status: number; body: Buffer[]; latencyMs: number; version?: string };
  shadow: {
    color: Color;
    status: number;
    body: Buffer[];
    latencyMs: number;
    version?: string;
    error?: string;
  };
}

/** time, primary latency, shadow latency (f64); statuses (u16); colors and presence flags (u8). */
const FIXED = 8 * 3 + 2 * 2 + 4;
const HAS_PRIMARY_VERSION = 1;
const HAS_SHADOW_VERSION = 2;
const HAS_ERROR = 4;

/**
 * The bounded ring of shadow pairs, kept as bytes in one preallocated arena: a pair costs no
 * long-lived JS object, so however full the ring is, garbage collection has nothing of it to trace
 * or copy (10,000 pairs as objects and strings made the old generation grow and mark-compact).
 * Holds at most `capacity` pairs and `arenaBytes` bytes; the newest win. Pairs are decoded into
 * ShadowPair objects only when read.
 */
export class PairRing {
  /** Allocated on the first pair: a router that never shadows never pays for it. */
  private arenaBuf: Buffer | null = null;
  private readonly offsets: Int32Array;
  private readonly lengths: Int32Array;
  /** Seq of the oldest pair held, and of the next pair. */
  private oldest = 1;
  private nextSeq = 1;
  /** Where the next pair is written. */
  private head = 0;
  /** Pairs overwritten before any reader had paged past them (a slow or absent reader). */
  evicted = 0;
  /** Highest seq a reader has been given. */
  private readUpTo = 0;

  constructor(
    readonly capacity: number,
    private readonly arenaBytes: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.offsets = new Int32Array(capacity);
    this.lengths = new Int32Array(capacity);
  }

  private get arena(): Buffer {
    // not zero-filled: only bytes written are ever read
    this.arenaBuf ??= Buffer.allocUnsafeSlow(this.arenaBytes);
    return this.arenaBuf;
  }

  /** The sequence number the next pair will get. */
  get next(): number {
    return this.nextSeq;
  }

  private slot(seq: number): number {
    return (seq - 1) % this.capacity;
  }

  private evictOldest(): void {
    if (this.oldest > this.readUpTo) this.evicted++;
    this.oldest++;
  }

  /** Make room for `len` bytes and return where they go. */
  private reserve(len: number): number {
    if (this.nextSeq - this.oldest >= this.capacity) this.evictOldest();
    if (this.head + len > this.arenaBytes) {
      // wrap: what lies past the last write is the oldest, from the previous lap
      const from = this.head;
      while (this.oldest < this.nextSeq && this.offsets[this.slot(this.oldest)] >= from) this.evictOldest();
      this.head = 0;
    }
    const end = this.head + len;
    while (this.oldest < this.nextSeq) {
      const off = this.offsets[this.slot(this.oldest)];
      if (off >= end || off + this.lengths[this.slot(this.oldest)] <= this.head) break;
      this.evictOldest();
    }
    return this.head;
  }

  /** Record a pair; returns its seq. */
  push(p: PairInput): number {
    const texts = [p.requestId, p.method, p.path, p.primary.version ?? '', p.shadow.version ?? ''];
    const error = p.shadow.error ?? '';
    let len = FIXED + 4 * 9 + Buffer.byteLength(error);
    for (const b of p.requestBody) len += b.length;
    for (const b of p.primary.body) len += b.length;
    for (const b of p.shadow.body) len += b.length;
    for (const t of texts) len += t.length;
    if (len > this.arenaBytes) throw new RangeError('shadow pair larger than the ring');
    const start = this.reserve(len);
    const a = this.arena;
    let o = start;
    o = a.writeDoubleLE(p.time, o);
    o = a.writeDoubleLE(p.primary.latencyMs, o);
    o = a.writeDoubleLE(p.shadow.latencyMs, o);
    o = a.writeUInt16LE(p.primary.status, o);
    o = a.writeUInt16LE(p.shadow.status, o);
    a[o++] = p.primary.color === 'blue' ? 0 : 1;
    a[o++] = p.shadow.color === 'blue' ? 0 : 1;
    a[o++] =
      (p.primary.version !== undefined ? HAS_PRIMARY_VERSION : 0) |
      (p.shadow.version !== undefined ? HAS_SHADOW_VERSION : 0) |
      (p.shadow.error !== undefined ? HAS_ERROR : 0);
    o++;
    for (const t of texts) o = writeText(a, o, t, 'latin1');
    o = writeText(a, o, error, 'utf8');
    o = writeBytes(a, o, p.requestBody);
    o = writeBytes(a, o, p.primary.body);
    o = writeBytes(a, o, p.shadow.body);
    const seq = this.nextSeq++;
    this.offsets[this.slot(seq)] = start;
    this.lengths[this.slot(seq)] = len;
    this.head = o;
    return seq;
  }

  /** Pairs with seq > since, oldest first, at most `limit`. */
  since(since: number, limit: number): ShadowPair[] {
    const from = Math.max(this.oldest, Math.floor(since) + 1);
    const to = Math.min(this.nextSeq, from + Math.max(0, Math.floor(limit)));
    const out: ShadowPair[] = [];
    for (let seq = from; seq < to; seq++) out.push(this.get(seq));
    if (to - 1 > this.readUpTo) this.readUpTo = to - 1;
    return out;
  }

  /** Decode the pair `seq` (which the ring holds). */
  get(seq: number): ShadowPair {
    const a = this.arena;
    let o = this.offsets[this.slot(seq)];
    const time = a.readDoubleLE(o);
    const pLatency = a.readDoubleLE(o + 8);
    const sLatency = a.readDoubleLE(o + 16);
    const pStatus = a.readUInt16LE(o + 24);
    const sStatus = a.readUInt16LE(o + 26);
    const pColor: Color = a[o + 28] === 0 ? 'blue' : 'green';
    const sColor: Color = a[o + 29] === 0 ? 'blue' : 'green';
    const flags = a[o + 30];
    o += FIXED;
    const fields: string[] = [];
    for (let i = 0; i < 9; i++) {
      const n = a.readUInt32LE(o);
      fields.push(a.toString(i < 5 ? 'latin1' : 'utf8', o + 4, o + 4 + n));
      o += 4 + n;
    }
    const [requestId, method, path, pVersion, sVersion, error, requestBody, pBody, sBody] = fields;
    const shadow: ShadowPair['shadow'] = {
      color: sColor,
      status: sStatus,
      body: sBody,
      latencyMs: sLatency,
      version: flags & HAS_SHADOW_VERSION ? sVersion : undefined,
    };
    if (flags & HAS_ERROR) shadow.error = error;
    return {
      seq,
      requestId,
      time,
      method,
      path,
      requestBody,
      primary: {
        color: pColor,
        status: pStatus,
        body: pBody,
        latencyMs: pLatency,
        version: flags & HAS_PRIMARY_VERSION ? pVersion : undefined,
      },
      shadow,
    };
  }
}

function writeText(a: Buffer, o: number, s: string, encoding: 'latin1' | 'utf8'): number {
  const n = a.write(s, o + 4, encoding);
  a.writeUInt32LE(n, o);
  return o + 4 + n;
}

function writeBytes(a: Buffer, o: number, parts: Buffer[]): number {
  let p = o + 4;
  for (const b of parts) {
    a.set(b, p);
    p += b.length;
  }
  a.writeUInt32LE(p - o - 4, o);
  return p;
}
