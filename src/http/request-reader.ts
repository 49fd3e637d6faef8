import { BodyFramer } from './body-framer.js';
import { HeadError } from './errors.js';
import { headEnd, parseRequestHead, type RequestHead } from './head.js';

/** The next request head found in a buffer: the head, and the offsets of its first byte and just past it. */
export interface NextHead {
  head: RequestHead;
  start: number;
  end: number;
}

/**
 * The step every HTTP/1.1 server of greenlight takes between requests (the router's data plane, its
 * admin API, the model server): skip the empty lines a client may send before a request line (RFC
 * 9112 §2.2), find the end of the head, refuse one over `maxHeadBytes` (431, even while it is still
 * arriving), parse it strictly. Returns `start` alone (`head` undefined) when the head has not fully
 * arrived; throws HeadError with the status to answer.
 */
export function nextRequestHead(
  buf: Buffer,
  off: number,
  maxHeadBytes: number,
): NextHead | { start: number; head: undefined } {
  let start = off;
  while (buf[start] === 0x0d && buf[start + 1] === 0x0a) start += 2;
  const end = start < buf.length ? headEnd(buf, start) : -1;
  if (end < 0 ? buf.length - start > maxHeadBytes : end - start > maxHeadBytes)
    throw new HeadError(`request head is larger than ${maxHeadBytes} bytes`, 'GL_HTTP_HEAD_TOO_LARGE');
  if (end < 0) return { start, head: undefined };
  // parseRequestHead reads a head at the start of its buffer
  const head = parseRequestHead(start === 0 ? buf : buf.subarray(start), end - start);
  return { head, start, end };
}

/** The framer of a request's body; `limit` bounds a chunked body's declared sizes (413 beyond). */
export function requestBodyFramer(head: RequestHead, limit?: number): BodyFramer {
  if (head.chunked) return new BodyFramer('chunked', 0, limit);
  return head.contentLength > 0 ? new BodyFramer('length', head.contentLength) : new BodyFramer('none');
}
