import { HeadError } from './errors.js';

/**
 * How a message's Transfer-Encoding frames its body (RFC 9112 §6.1, §6.3): `chunked` when the
 * codings end in chunked, `other` when they do not (a response is then read until the connection
 * closes). Only a response may be `other`; see requestCoding.
 */
export type Coding = 'chunked' | 'other';

/** The comma-separated codings of `te`, lower-cased; throws on an element that is not a token. */
function codings(te: string): string[] {
  const out = te.toLowerCase().split(',');
  for (let i = 0; i < out.length; i++) {
    const c = out[i].trim();
    // transfer parameters (`;q=…`) are refused too: chunked has none, and we decode no other coding
    if (!TOKEN.test(c)) throw new HeadError(`malformed transfer-encoding ${JSON.stringify(te)}`);
    out[i] = c;
  }
  return out;
}
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

/** chunked exactly once, as the last coding; throws on chunked applied twice (RFC 9112 §6.1: MUST NOT). */
function endsInChunkedOnce(list: string[], te: string): boolean {
  const first = list.indexOf('chunked');
  if (first >= 0 && first !== list.length - 1) {
    if (list.lastIndexOf('chunked') !== first)
      throw new HeadError(`chunked applied twice in ${JSON.stringify(te)}`);
    return false;
  }
  return first >= 0;
}

/**
 * A request's Transfer-Encoding, which must be exactly `chunked` (any case, optional whitespace).
 * RFC 9112 §6.3: when chunked is not the final coding the body length cannot be determined: 400.
 * §6.1: a coding the server does not understand (`gzip, chunked`; we decode none but chunked): 501.
 */
export function requestCoding(te: string): 'chunked' {
  if (te.length === 7 && te.toLowerCase() === 'chunked') return 'chunked';
  const list = codings(te);
  if (!endsInChunkedOnce(list, te))
    throw new HeadError(`transfer-encoding ${JSON.stringify(te)} does not end in chunked`);
  if (list.length === 1) return 'chunked';
  throw new HeadError(`unsupported transfer coding in ${JSON.stringify(te)}`, 'GL_HTTP_UNSUPPORTED_CODING');
}

/** A response's Transfer-Encoding: chunked when it ends in chunked, otherwise read until close (RFC 9112 §6.3). */
export function responseCoding(te: string): Coding {
  if (te.length === 7 && te.toLowerCase() === 'chunked') return 'chunked';
  return endsInChunkedOnce(codings(te), te) ? 'chunked' : 'other';
}
