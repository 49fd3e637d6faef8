import { STATUS_CODES } from 'node:http';

/** How a response ends its exchange: keep the connection, or close it after this response. */
export interface ResponseFraming {
  /** The request was HTTP/1.0: a kept-alive connection must say so (RFC 9112 §9.3). */
  http10: boolean;
  /** Close the connection after this response (`Connection: close`). */
  close: boolean;
  /** Answer to HEAD: the headers of the GET answer without its body (RFC 9110 §9.3.2). */
  head: boolean;
}

const statusLines = new Map<number, string>();

/** `HTTP/1.1 200 OK\r\n`, built once per status code. */
function statusLine(status: number): string {
  let line = statusLines.get(status);
  if (line === undefined) {
    line = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
    statusLines.set(status, line);
  }
  return line;
}

let dateLine = '';
let dateExpires = 0;

/**
 * The Date field an origin server with a clock must send (RFC 9110 §6.6.1), formatted at most
 * once a second as node:http does: toUTCString on every response would cost more than the rest
 * of the head.
 */
function dateField(): string {
  const now = Date.now();
  if (now >= dateExpires) {
    dateLine = `date: ${new Date(now).toUTCString()}\r\n`;
    dateExpires = now - (now % 1000) + 1000;
  }
  return dateLine;
}

/**
 * Serialise a whole response — status line, fields, blank line, body — as one string, so that it
 * leaves in one write. `fixed` are field lines every response of this server carries (each ending
 * in CRLF); `extra` are this response's own, in the same form. Content-Length is the UTF-8 length
 * of `body` (also for HEAD, whose body is dropped).
 */
export function serializeResponse(
  status: number,
  contentType: string,
  body: string,
  fixed: string,
  extra: string,
  framing: ResponseFraming,
): string {
  const connection = framing.close
    ? 'connection: close\r\n'
    : framing.http10
      ? 'connection: keep-alive\r\n'
      : '';
  return (
    `${statusLine(status)}content-type: ${contentType}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
    `${fixed}${extra}${dateField()}${connection}\r\n${framing.head ? '' : body}`
  );
}

/** The interim answer to `Expect: 100-continue` (RFC 9110 §10.1.1). */
export const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
