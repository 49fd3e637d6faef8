import { type RequestHead, type ResponseHead, valueAt } from '../http/head.js';
import { isHopByHop } from '../http/hop-by-hop.js';
import type { Color } from '../spec/types.js';

/**
 * The upstream request head's field block: the client's fields minus hop-by-hop ones (RFC 9110
 * §7.6.1), plus X-Forwarded-For/-Proto. Built from slices of the original head text, so an
 * ordinary request costs a couple of string slices. Transfer-Encoding and Content-Length are kept
 * because the body bytes are relayed unchanged; a shadow copy, which re-frames the body, passes
 * `framingFree` to drop them.
 */
export function upstreamHeaderLines(
  head: RequestHead,
  clientAddress: string,
  defaultHost: string,
  framingFree: boolean,
): string {
  return forwardedHead(head, '', head.fieldsStart, clientAddress, defaultHost, framingFree, '');
}

/**
 * The whole upstream request head: the request line as HTTP/1.1, upstreamHeaderLines' fields and
 * the final CRLF. An HTTP/1.1 request line is copied with the first run of kept fields.
 */
export function upstreamRequestHead(head: RequestHead, clientAddress: string, defaultHost: string): string {
  if (head.minor === 1) return forwardedHead(head, '', 0, clientAddress, defaultHost, false, '\r\n');
  const line = `${head.method} ${head.target} HTTP/1.1\r\n`;
  return forwardedHead(head, line, head.fieldsStart, clientAddress, defaultHost, false, '\r\n');
}

/** `out`, then the head text from `runStart` minus the dropped fields, the added ones and `tail`. */
function forwardedHead(
  head: RequestHead,
  out: string,
  runStart: number,
  clientAddress: string,
  defaultHost: string,
  framingFree: boolean,
  tail: string,
): string {
  const s = head.text;
  const n = head.names.length;
  let xff: string | undefined;
  let hasHost = false;
  const listed = head.connection;
  for (let i = 0; i < n; i++) {
    const name = head.names[i];
    const drop =
      isHopByHop(name, listed) ||
      name === 'x-forwarded-for' ||
      (framingFree && (name === 'content-length' || name === 'transfer-encoding' || name === 'expect'));
    if (name === 'host') hasHost = true;
    if (!drop) continue;
    if (name === 'x-forwarded-for')
      xff = xff === undefined ? valueAt(head, i) : `${xff}, ${valueAt(head, i)}`;
    out += s.slice(runStart, head.starts[i]);
    runStart = head.ends[i];
  }
  out += s.slice(runStart, s.length - 2);
  // HTTP/1.0 clients may omit Host; HTTP/1.1 upstreams require it (RFC 9112 §3.2)
  if (!hasHost) out += `host: ${defaultHost}\r\n`;
  return `${out}x-forwarded-for: ${xff === undefined ? clientAddress : `${xff}, ${clientAddress}`}\r\nx-forwarded-proto: http\r\n${tail}`;
}

/**
 * The upstream's head as the client gets it, without the final CRLF: the status line as HTTP/1.1,
 * minus hop-by-hop fields and minus any x-greenlight-* an upstream set (only this router may claim
 * a color). Untouched runs of fields are copied as one slice. forward-response.ts does the same in
 * one pass for the common head; this is the general path.
 */
export function keptResponseFields(res: ResponseHead): string {
  const s = res.text;
  const lineEnd = s.indexOf('\r\n');
  let out = res.minor === 1 ? '' : `HTTP/1.1${s.slice(8, lineEnd)}`;
  let runStart = res.minor === 1 ? 0 : lineEnd;
  const listed = res.connection;
  for (let i = 0; i < res.names.length; i++) {
    const name = res.names[i];
    if (!isHopByHop(name, listed) && !name.startsWith('x-greenlight-')) continue;
    out += s.slice(runStart, res.starts[i]);
    runStart = res.ends[i];
  }
  return out + s.slice(runStart, s.length - 2);
}

/** The head sent to the client: the kept upstream head, then the color and generation that served the request. */
export function clientResponseHead(
  kept: string,
  color: Color,
  generation: number,
  close: boolean,
  http10KeepAlive: boolean,
): string {
  let out = kept + greenlightFields(color, generation);
  if (close) out += 'connection: close\r\n';
  else if (http10KeepAlive) out += 'connection: keep-alive\r\n';
  return `${out}\r\n`;
}

/** The last color/generation fields built per color: they change only on a switch, not per request. */
const blueFields = { generation: -1, text: '' };
const greenFields = { generation: -1, text: '' };

function greenlightFields(color: Color, generation: number): string {
  const last = color === 'blue' ? blueFields : greenFields;
  if (last.generation !== generation) {
    last.generation = generation;
    last.text = `x-greenlight-color: ${color}\r\nx-greenlight-generation: ${generation}\r\n`;
  }
  return last.text;
}
