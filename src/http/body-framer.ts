/**
 * Finds where an HTTP/1.1 message body ends without copying it (RFC 9112 §6). The forwarder passes
 * body bytes through verbatim — chunked stays chunked — so it only needs to know the boundary: that
 * tells it when a pooled upstream socket is free again and where a pipelined request starts.
 */
export type Framing = 'none' | 'length' | 'chunked' | 'close';

/** Receives decoded payload bytes (chunk framing removed); only wired when a body is captured. */
export type PayloadSink = (payload: Buffer) => void;

enum Chunk {
  Size,
  SizeExt,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  Trailer,
  TrailerLf,
  TrailerLine,
  TrailerLineLf,
}

/** Largest chunk-size line we accept; a longer one is an attack or garbage. */
const MAX_SIZE_DIGITS = 16;

export class FramingError extends Error {
  override name = 'FramingError';
}

export class BodyFramer {
  /** True once the last byte of the body has been consumed. */
  done: boolean;
  /** Payload bytes seen so far (decoded size), for size limits. */
  payloadBytes = 0;
  private remaining: number;
  private state = Chunk.Size;
  private sizeDigits = 0;
  private sink: PayloadSink | null = null;

  constructor(
    readonly framing: Framing,
    length = 0,
  ) {
    this.remaining = length;
    this.done = framing === 'none' || (framing === 'length' && length === 0);
  }

  /** Deliver decoded payload to `sink` from now on (used to capture bodies for shadow pairs). */
  capture(sink: PayloadSink): void {
    this.sink = sink;
  }

  /**
   * Consume body bytes of `buf` from `offset`; returns how many bytes belong to this body. Bytes
   * after that belong to the next message. Throws FramingError on malformed chunked framing.
   */
  consume(buf: Buffer, offset: number): number {
    if (this.done) return 0;
    const available = buf.length - offset;
    if (this.framing === 'close') {
      this.payloadBytes += available;
      if (this.sink && available > 0) this.sink(buf.subarray(offset));
      return available;
    }
    if (this.framing === 'length') {
      const n = Math.min(available, this.remaining);
      this.remaining -= n;
      this.payloadBytes += n;
      if (this.sink && n > 0) this.sink(buf.subarray(offset, offset + n));
      if (this.remaining === 0) this.done = true;
      return n;
    }
    return this.consumeChunked(buf, offset) - offset;
  }

  /** The chunked decoder: a byte-level state machine so a boundary can fall anywhere in a packet. */
  private consumeChunked(buf: Buffer, start: number): number {
    let i = start;
    const end = buf.length;
    while (i < end && !this.done) {
      if (this.state === Chunk.Data) {
        const n = Math.min(end - i, this.remaining);
        if (this.sink) this.sink(buf.subarray(i, i + n));
        this.payloadBytes += n;
        this.remaining -= n;
        i += n;
        if (this.remaining === 0) this.state = Chunk.DataCr;
        continue;
      }
      this.step(buf[i]);
      i++;
    }
    return i;
  }

  private stepSize(c: number): void {
    const d = hexValue(c);
    if (d >= 0) {
      if (++this.sizeDigits > MAX_SIZE_DIGITS) throw new FramingError('chunk size too long');
      this.remaining = this.remaining * 16 + d;
    } else if (this.sizeDigits === 0) {
      throw new FramingError('missing chunk size');
    } else if (c === 0x0d) {
      this.state = Chunk.SizeLf;
    } else if (c === 0x3b || c === 0x20 || c === 0x09) {
      this.state = Chunk.SizeExt;
    } else {
      throw new FramingError('bad chunk size');
    }
  }

  private step(c: number): void {
    switch (this.state) {
      case Chunk.Size:
        this.stepSize(c);
        return;
      case Chunk.SizeExt:
        // chunk extensions are passed through untouched and otherwise ignored (RFC 9112 §7.1.1)
        if (c === 0x0d) this.state = Chunk.SizeLf;
        else if (c === 0x0a) throw new FramingError('bare LF in chunk extension');
        return;
      case Chunk.SizeLf:
        if (c !== 0x0a) throw new FramingError('expected LF after chunk size');
        this.sizeDigits = 0;
        this.state = this.remaining === 0 ? Chunk.Trailer : Chunk.Data;
        return;
      case Chunk.DataCr:
        if (c !== 0x0d) throw new FramingError('expected CR after chunk data');
        this.state = Chunk.DataLf;
        return;
      case Chunk.DataLf:
        if (c !== 0x0a) throw new FramingError('expected LF after chunk data');
        this.state = Chunk.Size;
        return;
      case Chunk.Trailer:
        // start of a trailer line, or the final CRLF
        if (c === 0x0d) this.state = Chunk.TrailerLf;
        else this.state = Chunk.TrailerLine;
        return;
      case Chunk.TrailerLf:
        if (c !== 0x0a) throw new FramingError('expected LF at end of chunked body');
        this.done = true;
        return;
      case Chunk.TrailerLine:
        if (c === 0x0d) this.state = Chunk.TrailerLineLf;
        return;
      case Chunk.TrailerLineLf:
        if (c !== 0x0a) throw new FramingError('expected LF after trailer field');
        this.state = Chunk.Trailer;
        return;
      default:
        return;
    }
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
