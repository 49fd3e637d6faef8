import {
  type FieldLine,
  fieldLineEnd,
  fieldValue,
  HeadError,
  knownName,
  parseResponseHead,
  type ResponseHead,
  statusLineEnd,
} from '../http/head.js';
import { isWellKnownHopByHop } from '../http/hop-by-hop.js';
import { responseCoding } from '../http/transfer-coding.js';
import { keptResponseFields } from './head-writer.js';

/** What the forwarder needs of an upstream response head: its framing (as ResponseHead's), and the client's head. */
export interface ForwardedResponse
  extends Pick<ResponseHead, 'status' | 'minor' | 'contentLength' | 'chunked' | 'otherEncoding' | 'close'> {
  /** The head the client gets, without the final CRLF: status line as HTTP/1.1, end-to-end fields only. */
  kept: string;
  /** The upstream's `x-model-version`, if any. */
  modelVersion: string | undefined;
}

const line: FieldLine = { colon: 0, hash: 0 };

/**
 * Fields the forwarder drops from a response: the hop-by-hop ones (RFC 9110 §7.6.1). Every one of
 * them is a common name, so knownName finds it; an unknown name is end-to-end.
 */
function isDroppedName(name: string | undefined): boolean {
  return name !== undefined && isWellKnownHopByHop(name);
}

/** `x-greenlight-` at `buf[from..)`, any case: only the router may claim a color. */
function isGreenlightField(buf: Buffer, from: number, colon: number): boolean {
  if (colon - from < 13) return false;
  const p = 'x-greenlight-';
  for (let j = 0; j < 13; j++) if ((buf[from + j] | 0x20) !== p.charCodeAt(j)) return false;
  return true;
}

/**
 * Read an upstream response head (`buf[0..end)`, `end` from headEnd) in one pass over its bytes,
 * building the client's head as it goes: no per-field names, offsets or objects. Throws HeadError
 * on anything parseResponseHead refuses (they agree: src/http/head.test.ts checks them side by side).
 *
 * The rare heads take the general path (parseResponseHead) whole: an HTTP/1.0 status line, a
 * Connection header naming anything but close/keep-alive (it may name fields already passed), a
 * Content-Length that is repeated or not plain digits (merged, or refused, there).
 */
export function forwardResponseHead(buf: Buffer, end: number): ForwardedResponse {
  const lineEnd = statusLineEnd(buf);
  const minor = buf[7] - 48;
  // an HTTP/1.0 status line is rewritten as HTTP/1.1: rare enough for the general path
  if (minor !== 1) return viaGeneralPath(buf, end);
  const text = buf.toString('latin1', 0, end);
  const scan: Scan = {
    kept: '',
    runStart: 0,
    length: -1,
    te: undefined,
    close: false,
    unusual: false,
    modelVersion: undefined,
  };
  const last = end - 2;
  for (let pos = lineEnd + 2; pos < last; ) {
    const cr = fieldLineEnd(buf, pos, line);
    readField(scan, buf, text, pos, line, cr);
    pos = cr + 2;
  }
  if (scan.unusual) return viaGeneralPath(buf, end);
  const te = scan.te;
  // RFC 9112 §6.3 lets a recipient ignore Content-Length beside Transfer-Encoding; a proxy that
  // does is how TE.CL smuggling works on the other direction, so the response is refused (as llhttp does)
  if (te !== undefined && scan.length >= 0) throw new HeadError('both transfer-encoding and content-length');
  const chunked = te !== undefined && responseCoding(te) === 'chunked';
  return {
    status: (buf[9] - 48) * 100 + (buf[10] - 48) * 10 + (buf[11] - 48),
    minor,
    contentLength: scan.length,
    chunked,
    otherEncoding: te !== undefined && !chunked,
    close: scan.close,
    kept: scan.kept + text.slice(scan.runStart, last),
    modelVersion: scan.modelVersion,
  };
}

/** What the pass over the fields has gathered so far. */
interface Scan {
  /** The client's head up to `runStart`. */
  kept: string;
  /** Start of the run of kept fields not yet copied into `kept`. */
  runStart: number;
  /** The Content-Length, -1 when absent. */
  length: number;
  te: string | undefined;
  /** A `Connection: close` was seen. */
  close: boolean;
  /**
   * Something the general parser must judge: a second Content-Length or one that is not plain
   * digits (a list, a sign, an error), a Connection value other than close or keep-alive (it may
   * name fields already passed). Every such head goes through parseResponseHead whole.
   */
  unusual: boolean;
  modelVersion: string | undefined;
}

const CLOSE = Buffer.from('close', 'latin1');
const KEEP_ALIVE = Buffer.from('keep-alive', 'latin1');

/** The field value `buf[from..to)` without its optional whitespace (SP, HTAB): [start, end). */
function valueStart(buf: Buffer, from: number, to: number): number {
  let i = from;
  while (i < to && (buf[i] === 32 || buf[i] === 9)) i++;
  return i;
}
function valueEnd(buf: Buffer, from: number, to: number): number {
  let i = to;
  while (i > from && (buf[i - 1] === 32 || buf[i - 1] === 9)) i--;
  return i;
}

/** `buf[from..to)` is `word` (lower case) in any case. */
function isWord(buf: Buffer, from: number, to: number, word: Buffer): boolean {
  if (to - from !== word.length) return false;
  for (let j = 0; j < word.length; j++) if ((buf[from + j] | 0x20) !== word[j]) return false;
  return true;
}

/** A Content-Length value of 1 to 15 digits at `buf[from..to)`, or -1 when it is anything else. */
function plainLength(buf: Buffer, from: number, to: number): number {
  if (to <= from || to - from > 15) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Take in the field line `text[pos..cr)` whose colon is at `colon`. */
function readField(scan: Scan, buf: Buffer, text: string, pos: number, line: FieldLine, cr: number): void {
  const colon = line.colon;
  const name = knownName(buf, pos, colon, line.hash);
  if (isDroppedName(name) || isGreenlightField(buf, pos, colon)) {
    if (name === 'connection') readConnection(scan, buf, colon + 1, cr);
    scan.kept += text.slice(scan.runStart, pos);
    scan.runStart = cr + 2;
  } else if (name === 'content-length') {
    const from = valueStart(buf, colon + 1, cr);
    const n = plainLength(buf, from, valueEnd(buf, from, cr));
    if (n < 0 || scan.length >= 0) scan.unusual = true;
    else scan.length = n;
  } else if (name === 'transfer-encoding') {
    scan.te = joinValue(scan.te, text.slice(colon + 1, cr).trim());
  } else if (name === 'x-model-version' && scan.modelVersion === undefined) {
    scan.modelVersion = text.slice(colon + 1, cr).trim();
  }
}

function readConnection(scan: Scan, buf: Buffer, from: number, to: number): void {
  const start = valueStart(buf, from, to);
  const end = valueEnd(buf, start, to);
  if (isWord(buf, start, end, CLOSE)) scan.close = true;
  else if (!isWord(buf, start, end, KEEP_ALIVE)) scan.unusual = true;
}

function joinValue(prev: string | undefined, value: string): string {
  return prev === undefined ? value : `${prev}, ${value}`;
}

/** The same answer through the general parser (parseResponseHead): the rare heads, and the tests' reference. */
export function viaGeneralPath(buf: Buffer, end: number): ForwardedResponse {
  const res = parseResponseHead(buf, end);
  return {
    status: res.status,
    minor: res.minor,
    contentLength: res.contentLength,
    chunked: res.chunked,
    otherEncoding: res.otherEncoding,
    close: res.close,
    kept: keptResponseFields(res),
    modelVersion: fieldValue(res, 'x-model-version'),
  };
}
