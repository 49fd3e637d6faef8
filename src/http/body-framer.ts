import { FramingError } from './errors.js';

export { FramingError } from './errors.js';

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
  /** A chunk extension's name (RFC 9112 §7.1.1: `;` token). */
  ExtName,
  /** Just past a chunk extension's `=`. */
  ExtValue,
  ExtToken,
  ExtQuoted,
  ExtQuotedPair,
  /** Just past a quoted chunk extension value's closing quote. */
  ExtQuotedEnd,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  /** The start of a trailer field line, or the final CRLF. */
  Trailer,
  TrailerLf,
  TrailerName,
  TrailerValue,
  TrailerLineLf,
}

/**
 * Largest chunk size accepted: 2^52, so that sizes and their sum stay exact in a double (a size
 * past 2^53 would be rounded, and two parsers that round differently disagree on where a body
 * ends). Real limits (`--max-body`) are far lower; see BodyFramer's `limit`.
 */
const MAX_CHUNK_SIZE = 2 ** 52;
/** Most bytes of one chunk-size line (extensions included) or of the whole trailer section. */
const MAX_LINE_BYTES = 16 * 1024;

/** tchar of RFC 9110 §5.6.2. */
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
  TCHAR[c.charCodeAt(0)] = 1;

/** A field value's byte (RFC 9110 §5.5): HTAB, SP, visible ASCII, obs-text; never CTL or DEL. */
function isValueByte(c: number): boolean {
  return (c > 31 && c !== 127) || c === 9;
}

/** qdtext and the byte of a quoted-pair (RFC 9110 §5.6.4) minus `"` and `\\`, which the states handle. */
function isQuotedByte(c: number): boolean {
  return isValueByte(c) && c !== 0x22 && c !== 0x5c;
}

/**
 * Strict by RFC 9112 §7.1: every line ends in CRLF (a bare CR or LF anywhere in a size line, an
 * extension or a trailer is refused: a server that splits lines differently would see a second
 * message there); sizes are hex digits only, bounded by MAX_CHUNK_SIZE and by `limit`; extensions
 * follow the grammar exactly (no whitespace, token names, token or quoted-string values); trailer
 * lines are field lines checked like a head's (token name, colon, value bytes). The bytes are
 * still relayed verbatim: only their boundaries and validity are established here.
 */
export class BodyFramer {
  /** True once the last byte of the body has been consumed. */
  done: boolean;
  /** Payload bytes seen so far (decoded size), for size limits. */
  payloadBytes = 0;
  private remaining: number;
  private state = Chunk.Size;
  private sizeDigits = 0;
  /** Bytes of the current size line, or of the trailer section so far (bounded by MAX_LINE_BYTES). */
  private lineBytes = 0;
  private sink: PayloadSink | null = null;

  /**
   * `length`: the Content-Length of a `length` body. `limit`: most payload bytes of a chunked body;
   * a chunk whose declared size goes past it is refused (GL_HTTP_BODY_TOO_LARGE) as soon as its
   * size line is read, before any of its data is relayed.
   */
  constructor(
    readonly framing: Framing,
    length = 0,
    private readonly limit = Number.MAX_SAFE_INTEGER,
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
      if (++this.lineBytes > MAX_LINE_BYTES) throw new FramingError('chunk line or trailer section too long');
      this.step(buf[i]);
      i++;
    }
    return i;
  }

  private stepSize(c: number): void {
    const d = hexValue(c);
    if (d >= 0) {
      this.sizeDigits++;
      if (this.remaining > (MAX_CHUNK_SIZE - d) / 16) throw new FramingError('chunk size too large');
      this.remaining = this.remaining * 16 + d;
    } else if (this.sizeDigits === 0) {
      throw new FramingError('missing chunk size');
    } else if (c === 0x0d) {
      this.state = Chunk.SizeLf;
    } else if (c === 0x3b) {
      this.state = Chunk.ExtName;
      this.sizeDigits = 0; // from here on: the current extension name's length
    } else {
      throw new FramingError('bad chunk size');
    }
  }

  /** One byte of a chunk extension (`;name`, `;name=token`, `;name="quoted"`), RFC 9112 §7.1.1. */
  private stepExtension(c: number): void {
    switch (this.state) {
      case Chunk.ExtName:
        if (TCHAR[c] === 1) this.sizeDigits++;
        else if (this.sizeDigits === 0) throw new FramingError('bad chunk extension name');
        else if (c === 0x3d) this.state = Chunk.ExtValue;
        else this.extensionEnd(c);
        return;
      case Chunk.ExtValue:
        if (c === 0x22) this.state = Chunk.ExtQuoted;
        else if (TCHAR[c] === 1) this.state = Chunk.ExtToken;
        else throw new FramingError('bad chunk extension value');
        return;
      case Chunk.ExtToken:
        if (TCHAR[c] !== 1) this.extensionEnd(c);
        return;
      case Chunk.ExtQuoted:
        if (c === 0x22) this.state = Chunk.ExtQuotedEnd;
        else if (c === 0x5c) this.state = Chunk.ExtQuotedPair;
        else if (!isQuotedByte(c)) throw new FramingError('bad byte in a quoted chunk extension');
        return;
      case Chunk.ExtQuotedPair:
        if (!isValueByte(c)) throw new FramingError('bad byte in a quoted chunk extension');
        this.state = Chunk.ExtQuoted;
        return;
      default: // ExtQuotedEnd
        this.extensionEnd(c);
    }
  }

  /** After an extension: another one, or the CR ending the size line; anything else is refused. */
  private extensionEnd(c: number): void {
    if (c === 0x3b) {
      this.state = Chunk.ExtName;
      this.sizeDigits = 0;
    } else if (c === 0x0d) this.state = Chunk.SizeLf;
    else throw new FramingError('bad chunk extension');
  }

  private sizeLineEnd(c: number): void {
    if (c !== 0x0a) throw new FramingError('expected LF after chunk size');
    this.sizeDigits = 0;
    this.lineBytes = 0;
    if (this.remaining === 0) {
      this.state = Chunk.Trailer;
      return;
    }
    // both below 2^53 (MAX_CHUNK_SIZE, and payloadBytes by this check), so the sum is exact enough
    if (this.payloadBytes + this.remaining > this.limit)
      throw new FramingError('chunked body too large', 'GL_HTTP_BODY_TOO_LARGE');
    this.state = Chunk.Data;
  }

  private step(c: number): void {
    switch (this.state) {
      case Chunk.Size:
        this.stepSize(c);
        return;
      case Chunk.SizeLf:
        this.sizeLineEnd(c);
        return;
      case Chunk.DataCr:
        if (c !== 0x0d) throw new FramingError('expected CR after chunk data');
        this.state = Chunk.DataLf;
        return;
      case Chunk.DataLf:
        if (c !== 0x0a) throw new FramingError('expected LF after chunk data');
        this.state = Chunk.Size;
        this.lineBytes = 0;
        return;
      case Chunk.Trailer:
        if (c === 0x0d) this.state = Chunk.TrailerLf;
        else if (TCHAR[c] === 1) this.state = Chunk.TrailerName;
        else throw new FramingError('malformed trailer field'); // obs-fold, bare LF, empty name
        return;
      case Chunk.TrailerLf:
        if (c !== 0x0a) throw new FramingError('expected LF at end of chunked body');
        this.done = true;
        return;
      case Chunk.TrailerName:
        if (c === 0x3a) this.state = Chunk.TrailerValue;
        else if (TCHAR[c] !== 1) throw new FramingError('malformed trailer field name');
        return;
      case Chunk.TrailerValue:
        if (c === 0x0d) this.state = Chunk.TrailerLineLf;
        else if (!isValueByte(c)) throw new FramingError('bad byte in a trailer field');
        return;
      case Chunk.TrailerLineLf:
        if (c !== 0x0a) throw new FramingError('bare CR in a trailer field');
        this.state = Chunk.Trailer;
        return;
      default:
        this.stepExtension(c);
    }
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
