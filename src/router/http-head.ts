import { connectionTokens } from './hop-by-hop.js';

/**
 * The parts of an HTTP/1.x message head the forwarder needs (RFC 9112 §2–§6). The head stays one
 * latin1 string (`text`, byte offsets = string offsets); fields are recorded as offsets into it with
 * a lower-cased name, so forwarding rebuilds a head from slices instead of re-serialising objects.
 */
export interface Fields {
  /** The whole head as latin1, including the final CRLFCRLF. */
  text: string;
  /** Offset of the first field line (just past the start line's CRLF). */
  fieldsStart: number;
  /** Lower-cased field names. */
  names: string[];
  /** Offset of each field line's first byte, parallel to `names`. */
  starts: number[];
  /** Offset just past each field line's CRLF. */
  ends: number[];
  /** Offset just past each field's colon. */
  colons: number[];
}

export interface RequestHead extends Fields {
  method: string;
  target: string;
  /** Minor version: 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minor: number;
  /** -1 when there is no Content-Length. */
  contentLength: number;
  chunked: boolean;
  /** The client wants the connection closed after this exchange. */
  close: boolean;
  /** Tokens of the Connection header (fields it names are hop-by-hop). */
  connection: string[];
  expectContinue: boolean;
}

export interface ResponseHead extends Fields {
  status: number;
  minor: number;
  contentLength: number;
  chunked: boolean;
  /** A Transfer-Encoding other than chunked: the body is delimited by the connection closing. */
  otherEncoding: boolean;
  close: boolean;
  connection: string[];
}

export class HeadError extends Error {
  override name = 'HeadError';
}

/** tchar of RFC 9110 §5.6.2, as a lookup table. */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
  TCHAR[c.charCodeAt(0)] = 1;
/**
 * A bare CR (not followed by LF), a bare LF (not preceded by CR), or NUL anywhere in a head: the
 * regex /\r(?!\n)|(?<!\r)\n|\0/, done with native single-character searches (one pair per line),
 * about half the cost of that lookbehind regex, run on every head.
 */
function hasBareCrLfOrNul(s: string): boolean {
  if (s.indexOf('\0') >= 0) return true;
  let pos = 0;
  for (;;) {
    const cr = s.indexOf('\r', pos);
    const lf = s.indexOf('\n', pos);
    if (cr < 0) return lf >= 0;
    // the first LF must be the one right after the first CR: an earlier LF is bare, a later one leaves the CR bare
    if (lf !== cr + 1) return true;
    pos = lf + 1;
  }
}

/** One or more visible ASCII characters (0x21–0x7e): a request target. */
function isVisibleAscii(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/** 1 to 15 ASCII digits (a Content-Length value). */
function isDigits(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 15) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');

/** Index just past the CRLFCRLF that ends a head, or -1 when it has not fully arrived. */
export function headEnd(buf: Buffer, from = 0): number {
  const i = buf.indexOf(CRLFCRLF, from);
  return i < 0 ? -1 : i + 4;
}

function isToken(s: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || TCHAR[c] === 0) return false;
  }
  return true;
}

/** Record the field lines from `pos` up to the blank line; throws on obs-fold and malformed names. */
function parseFields(f: Fields, pos: number): void {
  const s = f.text;
  f.fieldsStart = pos;
  const last = s.length - 2;
  while (pos < last) {
    const e = s.indexOf('\r\n', pos);
    const colon = s.indexOf(':', pos);
    // obs-fold (a line starting with whitespace) and whitespace before the colon fail isToken (RFC 9112 §5)
    if (colon < 0 || colon > e || !isToken(s, pos, colon)) throw new HeadError('malformed header line');
    f.names.push(s.slice(pos, colon).toLowerCase());
    f.starts.push(pos);
    f.colons.push(colon + 1);
    f.ends.push(e + 2);
    pos = e + 2;
  }
}

/** The trimmed value of field `i`. */
export function valueAt(f: Fields, i: number): string {
  return f.text.slice(f.colons[i], f.ends[i] - 2).trim();
}

/** The value of the first field called `name` (lower-case), if any. */
export function fieldValue(f: Fields, name: string): string | undefined {
  const i = f.names.indexOf(name);
  return i < 0 ? undefined : valueAt(f, i);
}

function joined(f: Fields, name: string): string | undefined {
  let out: string | undefined;
  for (let i = 0; i < f.names.length; i++) {
    if (f.names[i] === name) out = out === undefined ? valueAt(f, i) : `${out}, ${valueAt(f, i)}`;
  }
  return out;
}

/** Content-Length, requiring every copy to agree (RFC 9112 §6.3 step 5); -1 when absent. */
function contentLengthOf(f: Fields): number {
  let length = -1;
  for (let i = 0; i < f.names.length; i++) {
    if (f.names[i] !== 'content-length') continue;
    const value = valueAt(f, i);
    if (length < 0 && isDigits(value)) {
      length = Number(value);
      continue;
    }
    for (const part of value.split(',')) {
      const v = part.trim();
      if (!isDigits(v)) throw new HeadError('invalid content-length');
      const n = Number(v);
      if (length >= 0 && n !== length) throw new HeadError('conflicting content-length');
      length = n;
    }
  }
  return length;
}

function hasConnectionField(f: Fields): boolean {
  return f.names.includes('connection');
}

/**
 * Parse a request head (`buf[0..end)`, `end` from headEnd). Throws HeadError on anything a
 * smuggling-safe proxy must refuse: bad request line, obs-fold, bare CR/LF, both Transfer-Encoding
 * and Content-Length, a Transfer-Encoding that does not end in chunked (RFC 9112 §6.3).
 */
export function parseRequestHead(buf: Buffer, end: number): RequestHead {
  const text = buf.toString('latin1', 0, end);
  if (hasBareCrLfOrNul(text)) throw new HeadError('bare CR, LF or NUL in request head');
  const lineEnd = text.indexOf('\r\n');
  const sp1 = text.indexOf(' ');
  const sp2 = text.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 < 0 || sp2 > lineEnd || !isToken(text, 0, sp1))
    throw new HeadError('malformed request line');
  const target = text.slice(sp1 + 1, sp2);
  if (!isVisibleAscii(target)) throw new HeadError('malformed request target');
  const version = text.slice(sp2 + 1, lineEnd);
  if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0') throw new HeadError('unsupported HTTP version');
  const head: RequestHead = {
    text,
    fieldsStart: 0,
    names: [],
    starts: [],
    ends: [],
    colons: [],
    method: text.slice(0, sp1),
    target,
    minor: version === 'HTTP/1.1' ? 1 : 0,
    contentLength: -1,
    chunked: false,
    close: false,
    connection: [],
    expectContinue: false,
  };
  parseFields(head, lineEnd + 2);
  head.contentLength = contentLengthOf(head);
  const te = joined(head, 'transfer-encoding');
  if (te !== undefined) {
    if (head.contentLength >= 0) throw new HeadError('both transfer-encoding and content-length');
    if (!/(^|,)\s*chunked\s*$/i.test(te)) throw new HeadError('unsupported transfer-encoding');
    head.chunked = true;
  }
  if (hasConnectionField(head)) head.connection = connectionTokens(joined(head, 'connection'));
  head.close = head.minor === 0 ? !head.connection.includes('keep-alive') : head.connection.includes('close');
  const expect = head.names.includes('expect') ? fieldValue(head, 'expect') : undefined;
  head.expectContinue = expect !== undefined && expect.toLowerCase() === '100-continue';
  return head;
}

/** Parse a response head; throws HeadError when the upstream sent something that is not HTTP/1.x. */
export function parseResponseHead(buf: Buffer, end: number): ResponseHead {
  const text = buf.toString('latin1', 0, end);
  const lineEnd = text.indexOf('\r\n');
  const d0 = text.charCodeAt(9) - 48;
  const d1 = text.charCodeAt(10) - 48;
  const d2 = text.charCodeAt(11) - 48;
  const minorChar = text.charCodeAt(7);
  const ok =
    text.startsWith('HTTP/1.') &&
    (minorChar === 48 || minorChar === 49) &&
    text.charCodeAt(8) === 32 &&
    d0 >= 1 &&
    d0 <= 9 &&
    d1 >= 0 &&
    d1 <= 9 &&
    d2 >= 0 &&
    d2 <= 9 &&
    (lineEnd === 12 || text.charCodeAt(12) === 32);
  if (!ok) throw new HeadError('malformed status line');
  if (hasBareCrLfOrNul(text)) throw new HeadError('bare CR, LF or NUL in response head');
  const head: ResponseHead = {
    text,
    fieldsStart: 0,
    names: [],
    starts: [],
    ends: [],
    colons: [],
    status: d0 * 100 + d1 * 10 + d2,
    minor: minorChar - 48,
    contentLength: -1,
    chunked: false,
    otherEncoding: false,
    close: false,
    connection: [],
  };
  parseFields(head, lineEnd + 2);
  const te = head.names.includes('transfer-encoding') ? joined(head, 'transfer-encoding') : undefined;
  if (te !== undefined) {
    if (/(^|,)\s*chunked\s*$/i.test(te)) head.chunked = true;
    else head.otherEncoding = true;
  } else {
    head.contentLength = contentLengthOf(head);
  }
  if (hasConnectionField(head)) head.connection = connectionTokens(joined(head, 'connection'));
  head.close = head.minor === 0 ? !head.connection.includes('keep-alive') : head.connection.includes('close');
  return head;
}
