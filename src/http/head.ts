import http from 'node:http';
import { HeadError } from './errors.js';
import { connectionTokens } from './hop-by-hop.js';
import { requestCoding, responseCoding } from './transfer-coding.js';

export { HeadError } from './errors.js';

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

/** tchar of RFC 9110 §5.6.2, as a lookup table. */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
  TCHAR[c.charCodeAt(0)] = 1;
/**
 * Field names seen on almost every message, lower-cased once. A field whose name matches one of
 * these (case-insensitively) gets the constant instead of a fresh slice + toLowerCase: two
 * allocations fewer per field on the hot path.
 */
const COMMON_NAMES = [
  'host',
  'date',
  'server',
  'accept',
  'cookie',
  'expect',
  'upgrade',
  'trailer',
  'te',
  'connection',
  'keep-alive',
  'user-agent',
  'content-type',
  'content-length',
  'transfer-encoding',
  'accept-encoding',
  'accept-language',
  'authorization',
  'cache-control',
  'x-request-id',
  'x-model-version',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-greenlight-color',
  'x-greenlight-session',
  'x-greenlight-generation',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
];
/** The minor version of `HTTP/1.0` or `HTTP/1.1` followed by CRLF at `buf[at..)`; throws otherwise. */
function httpVersionMinor(buf: Buffer, at: number): number {
  const minor = buf[at + 7];
  const ok =
    buf[at] === 72 && // H
    buf[at + 1] === 84 && // T
    buf[at + 2] === 84 && // T
    buf[at + 3] === 80 && // P
    buf[at + 4] === 47 && // /
    buf[at + 5] === 49 && // 1
    buf[at + 6] === 46 && // .
    (minor === 48 || minor === 49) &&
    buf[at + 8] === 13 &&
    buf[at + 9] === 10;
  if (!ok) throw new HeadError('unsupported HTTP version');
  return minor - 48;
}

/**
 * Methods accepted: the ones Node's parser (llhttp) knows. A method is any token by RFC 9110, but
 * a proxy must not forward a request the server behind it reads differently, and llhttp refuses
 * every other method (`get`, `ET` left over from a misframed body): 501 (RFC 9110 §9.1).
 */
const METHODS: ReadonlySet<string> = new Set(http.METHODS);

/** The method `buf[0..n)`: the usual ones as constants, others sliced and looked up (methods are case-sensitive). */
function methodName(buf: Buffer, text: string, n: number): string {
  if (n === 3 && buf[0] === 71 && buf[1] === 69 && buf[2] === 84) return 'GET';
  if (n === 4 && buf[0] === 80 && buf[1] === 79 && buf[2] === 83 && buf[3] === 84) return 'POST';
  const method = text.slice(0, n);
  if (!METHODS.has(method))
    throw new HeadError(`unknown method ${JSON.stringify(method)}`, 'GL_HTTP_UNKNOWN_METHOD');
  return method;
}

/** Hash of a field name with A–Z folded onto a–z, as fieldLineEnd computes it while checking the name. */
function nameHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + (name.charCodeAt(i) | 0x20)) | 0;
  return h;
}

interface KnownName {
  name: string;
  bytes: Uint8Array;
}

/**
 * The common names in a table indexed by `hash % NAME_SLOTS`, with the smallest table size at
 * which no two of them share a slot: an array index instead of a Map lookup per field.
 */
const { slots: NAME_TABLE, size: NAME_SLOTS } = perfectTable(COMMON_NAMES);

function perfectTable(names: string[]): { slots: (KnownName | undefined)[]; size: number } {
  for (let size = names.length; ; size++) {
    const slots: (KnownName | undefined)[] = new Array(size).fill(undefined);
    const fits = names.every((name) => {
      const i = (nameHash(name) >>> 0) % size;
      if (slots[i] !== undefined) return false;
      slots[i] = { name, bytes: Buffer.from(name, 'latin1') };
      return true;
    });
    if (fits) return { slots, size };
  }
}

/**
 * The lower-cased constant for a common field name at `buf[from..to)` (a token), if it is one;
 * `hash` is the name's hash from fieldLineEnd (one table slot, then one byte comparison, costs a
 * fraction of trying every name of the same length).
 */
export function knownName(buf: Buffer, from: number, to: number, hash: number): string | undefined {
  const known = NAME_TABLE[(hash >>> 0) % NAME_SLOTS];
  if (known === undefined) return undefined;
  const bytes = known.bytes;
  if (bytes.length !== to - from) return undefined;
  // | 0x20 folds A–Z onto a–z and leaves '-' and digits alone; every other tchar then differs
  for (let j = 0; j < bytes.length; j++) {
    if ((buf[from + j] | 0x20) !== bytes[j]) return undefined;
  }
  return known.name;
}

/**
 * The index of the CR ending a status line `HTTP/1.x ddd[ reason]` at the start of `buf` (RFC 9112
 * §4; the reason phrase must not hold CR, LF or NUL). Throws HeadError when it is not one.
 * Byte reads: indexing the Buffer is cheaper than charCodeAt on a fresh string.
 */
export function statusLineEnd(buf: Buffer): number {
  const minor = buf[7];
  const d0 = buf[9];
  const ok =
    buf[0] === 72 && // H
    buf[1] === 84 && // T
    buf[2] === 84 && // T
    buf[3] === 80 && // P
    buf[4] === 47 && // /
    buf[5] === 49 && // 1
    buf[6] === 46 && // .
    (minor === 48 || minor === 49) &&
    buf[8] === 32 &&
    d0 >= 49 &&
    d0 <= 57 &&
    isDigit(buf[10]) &&
    isDigit(buf[11]);
  let i = 12;
  let c = buf[i];
  if (!ok || (c !== 13 && c !== 32)) throw new HeadError('malformed status line');
  // reason-phrase = *( HTAB / SP / VCHAR / obs-text ): no control byte but the CRLF that ends it
  while (c !== 13) {
    if ((c < 32 && c !== 9) || c === 127 || c === undefined) throw new HeadError('malformed status line');
    c = buf[++i];
  }
  if (buf[i + 1] !== 10) throw new HeadError('malformed status line');
  return i;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
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

/**
 * Check the field line starting at `pos` and return the index of the CR that ends it; `out.colon`
 * gets the colon's index and `out.hash` the name's hash (for knownName). One pass over the bytes (indexing a Buffer is about three times cheaper
 * than charCodeAt on the latin1 string here): the name must be a token (so obs-fold, whitespace
 * before the colon and empty names fail, RFC 9112 §5), the value must hold no control byte but HTAB
 * and the CRLF that ends the line (bare CR/LF are how requests are smuggled past a proxy that
 * splits lines differently from the server behind it; NUL and the other CTLs are refused by strict
 * llhttp too). The head must end with CRLFCRLF.
 */
export function fieldLineEnd(buf: Buffer, pos: number, out: FieldLine): number {
  let i = pos;
  let c = buf[i];
  let h = 0;
  while (c < 128 && TCHAR[c] === 1) {
    h = (Math.imul(h, 31) + (c | 0x20)) | 0;
    c = buf[++i];
  }
  if (c !== 58 || i === pos) throw new HeadError('malformed header line');
  out.colon = i;
  out.hash = h;
  c = buf[++i];
  // the head ends with CRLFCRLF, so a CR is always found
  for (;;) {
    // SP, visible ASCII and obs-text (RFC 9110 §5.5): two comparisons a byte
    while (c > 31 && c !== 127) c = buf[++i];
    if (c === 13) break;
    if (c !== 9) throw new HeadError('control byte (bare LF, NUL, DEL) in a header line');
    c = buf[++i]; // HTAB
  }
  if (buf[i + 1] !== 10) throw new HeadError('bare CR in a header line');
  return i;
}

/** Where fieldLineEnd found a field's colon, and its name's hash. */
export interface FieldLine {
  colon: number;
  hash: number;
}

const scratch: FieldLine = { colon: 0, hash: 0 };

/** Record the field lines from `pos` up to the blank line. */
function parseFields(f: Fields, buf: Buffer, pos: number): void {
  f.fieldsStart = pos;
  const s = f.text;
  const last = s.length - 2;
  while (pos < last) {
    const cr = fieldLineEnd(buf, pos, scratch);
    const colon = scratch.colon;
    f.names.push(knownName(buf, pos, colon, scratch.hash) ?? s.slice(pos, colon).toLowerCase());
    f.starts.push(pos);
    f.colons.push(colon + 1);
    f.ends.push(cr + 2);
    pos = cr + 2;
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

/** Whether the connection closes after this message: HTTP/1.0 unless keep-alive, HTTP/1.1 on close. */
export function closesAfter(minor: number, connection: readonly string[]): boolean {
  return minor === 0 ? !connection.includes('keep-alive') : connection.includes('close');
}

/** A Content-Length value: 1 to 15 digits, nothing else (RFC 9112 §6.3: a list or a sign is invalid). */
function lengthValue(value: string): number {
  if (!isDigits(value)) throw new HeadError(`invalid content-length ${JSON.stringify(value)}`);
  return Number(value);
}

/** What one pass over a head's names finds: Host count and the joined Transfer-Encoding values. */
interface Framing {
  hosts: number;
  te: string | undefined;
}
const found: Framing = { hosts: 0, te: undefined };

/**
 * One pass over the names: counts Host, joins Transfer-Encoding, sets `contentLength` from the one
 * Content-Length (a second copy, even an equal one, is refused, RFC 9112 §6.3 lets a recipient
 * refuse it and llhttp does: a proxy must not pick a side).
 */
function framingFields(head: RequestHead | ResponseHead): Framing {
  const names = head.names;
  found.hosts = 0;
  found.te = undefined;
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (name === 'host') found.hosts++;
    else if (name === 'content-length') {
      if (head.contentLength >= 0) throw new HeadError('repeated content-length');
      head.contentLength = lengthValue(valueAt(head, i));
    } else if (name === 'transfer-encoding') {
      const v = valueAt(head, i);
      found.te = found.te === undefined ? v : `${found.te}, ${v}`;
    }
  }
  return found;
}

/**
 * A request's framing by RFC 9112: exactly one Host on HTTP/1.1, at most one on HTTP/1.0 (§3.2);
 * Transfer-Encoding only on HTTP/1.1, only `chunked`, never with Content-Length (§6.1, §6.3).
 */
function requestFraming(head: RequestHead): void {
  const { hosts, te } = framingFields(head);
  if (hosts !== 1 && (head.minor === 1 || hosts > 1))
    throw new HeadError(hosts === 0 ? 'HTTP/1.1 request without host' : 'more than one host field');
  if (te === undefined) return;
  if (head.minor === 0) throw new HeadError('transfer-encoding in an HTTP/1.0 request');
  if (head.contentLength >= 0) throw new HeadError('both transfer-encoding and content-length');
  head.chunked = requestCoding(te) === 'chunked';
}

/** A response's framing: the same rules but Host's; a coding other than chunked means "until close". */
function responseFraming(head: ResponseHead): void {
  const { te } = framingFields(head);
  if (te === undefined) return;
  // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message means its framing is faulty
  if (head.minor === 0) throw new HeadError('transfer-encoding in an HTTP/1.0 response');
  if (head.contentLength >= 0) throw new HeadError('both transfer-encoding and content-length');
  if (responseCoding(te) === 'chunked') head.chunked = true;
  else head.otherEncoding = true;
}

function hasConnectionField(f: Fields): boolean {
  return f.names.includes('connection');
}

/**
 * Parse a request head (`buf[0..end)`, `end` from headEnd). Throws HeadError on anything a
 * smuggling-safe proxy must refuse: bad request line, obs-fold, bare CR/LF or another control byte,
 * a missing or second Host, a second Content-Length, Transfer-Encoding with Content-Length or on
 * HTTP/1.0, a Transfer-Encoding other than `chunked` (RFC 9112 §3.2, §5, §6).
 */
export function parseRequestHead(buf: Buffer, end: number): RequestHead {
  const text = buf.toString('latin1', 0, end);
  // the request line is fully validated on its bytes (token, visible ASCII, exact version): no CR,
  // LF or NUL can hide in it; parseFields checks every field line
  let sp1 = 0;
  while (buf[sp1] < 128 && TCHAR[buf[sp1]] === 1) sp1++;
  if (sp1 === 0 || buf[sp1] !== 32) throw new HeadError('malformed request line');
  let sp2 = sp1 + 1;
  while (buf[sp2] > 0x20 && buf[sp2] < 0x7f) sp2++;
  if (sp2 === sp1 + 1 || buf[sp2] !== 32) throw new HeadError('malformed request target');
  const minor = httpVersionMinor(buf, sp2 + 1);
  const lineEnd = sp2 + 9;
  const target = text.slice(sp1 + 1, sp2);
  const head: RequestHead = {
    text,
    fieldsStart: 0,
    names: [],
    starts: [],
    ends: [],
    colons: [],
    method: methodName(buf, text, sp1),
    target,
    minor,
    contentLength: -1,
    chunked: false,
    close: false,
    connection: [],
    expectContinue: false,
  };
  parseFields(head, buf, lineEnd + 2);
  requestFraming(head);
  if (hasConnectionField(head)) head.connection = connectionTokens(joined(head, 'connection'));
  head.close = closesAfter(head.minor, head.connection);
  const expect = head.names.includes('expect') ? fieldValue(head, 'expect') : undefined;
  head.expectContinue = expect !== undefined && expect.toLowerCase() === '100-continue';
  return head;
}

/** Parse a response head; throws HeadError when the upstream sent something that is not HTTP/1.x. */
export function parseResponseHead(buf: Buffer, end: number): ResponseHead {
  const text = buf.toString('latin1', 0, end);
  const lineEnd = statusLineEnd(buf);
  const minorChar = buf[7];
  const head: ResponseHead = {
    text,
    fieldsStart: 0,
    names: [],
    starts: [],
    ends: [],
    colons: [],
    status: (buf[9] - 48) * 100 + (buf[10] - 48) * 10 + (buf[11] - 48),
    minor: minorChar - 48,
    contentLength: -1,
    chunked: false,
    otherEncoding: false,
    close: false,
    connection: [],
  };
  parseFields(head, buf, lineEnd + 2);
  responseFraming(head);
  if (hasConnectionField(head)) head.connection = connectionTokens(joined(head, 'connection'));
  head.close = closesAfter(head.minor, head.connection);
  return head;
}
