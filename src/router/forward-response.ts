import { keptResponseFields } from './head-writer.js';
import { connectionTokens, isWellKnownHopByHop } from './hop-by-hop.js';
import {
  closesAfter,
  endsInChunked,
  type FieldLine,
  fieldLineEnd,
  fieldValue,
  knownName,
  mergeContentLength,
  parseResponseHead,
  type ResponseHead,
  statusLineEnd,
} from './http-head.js';

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
 * on anything parseResponseHead refuses (they agree: http-head.test.ts checks them side by side).
 *
 * A Connection header naming fields other than close/keep-alive needs a second look at fields
 * already passed, so that rare head takes the general path (parseResponseHead).
 */
export function forwardResponseHead(buf: Buffer, end: number): ForwardedResponse {
  const lineEnd = statusLineEnd(buf);
  const text = buf.toString('latin1', 0, end);
  const minor = buf[7] - 48;
  const scan: Scan = {
    kept: minor === 1 ? '' : `HTTP/1.1${text.slice(8, lineEnd)}`,
    runStart: minor === 1 ? 0 : lineEnd,
    lengths: undefined,
    te: undefined,
    connection: undefined,
    modelVersion: undefined,
  };
  const last = end - 2;
  for (let pos = lineEnd + 2; pos < last; ) {
    const cr = fieldLineEnd(buf, pos, line);
    readField(scan, buf, text, pos, line, cr);
    pos = cr + 2;
  }
  const tokens = connectionTokens(scan.connection);
  if (tokens.some(isExtraToken)) return viaGeneralPath(buf, end);
  const te = scan.te;
  const chunked = te !== undefined && endsInChunked(te);
  return {
    status: (buf[9] - 48) * 100 + (buf[10] - 48) * 10 + (buf[11] - 48),
    minor,
    // with Transfer-Encoding, Content-Length is ignored (RFC 9112 §6.3 step 3)
    contentLength: te === undefined && scan.lengths !== undefined ? mergeContentLength(-1, scan.lengths) : -1,
    chunked,
    otherEncoding: te !== undefined && !chunked,
    close: closesAfter(minor, tokens),
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
  /** Every Content-Length value, comma-joined. */
  lengths: string | undefined;
  te: string | undefined;
  connection: string | undefined;
  modelVersion: string | undefined;
}

function joinValue(prev: string | undefined, value: string): string {
  return prev === undefined ? value : `${prev}, ${value}`;
}

function isExtraToken(token: string): boolean {
  return token !== 'close' && token !== 'keep-alive';
}

/** Take in the field line `text[pos..cr)` whose colon is at `colon`. */
function readField(scan: Scan, buf: Buffer, text: string, pos: number, line: FieldLine, cr: number): void {
  const colon = line.colon;
  const name = knownName(buf, pos, colon, line.hash);
  if (isDroppedName(name) || isGreenlightField(buf, pos, colon)) {
    if (name === 'connection') scan.connection = joinValue(scan.connection, text.slice(colon + 1, cr).trim());
    scan.kept += text.slice(scan.runStart, pos);
    scan.runStart = cr + 2;
  } else if (name === 'content-length') {
    scan.lengths = joinValue(scan.lengths, text.slice(colon + 1, cr).trim());
  } else if (name === 'transfer-encoding') {
    scan.te = joinValue(scan.te, text.slice(colon + 1, cr).trim());
  } else if (name === 'x-model-version' && scan.modelVersion === undefined) {
    scan.modelVersion = text.slice(colon + 1, cr).trim();
  }
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
