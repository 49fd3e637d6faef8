/**
 * Requests every HTTP/1.1 reader of greenlight must refuse (the router's data plane, its admin API
 * and the model server), with the status RFC 9112 asks for. A test fixture shared by their suites,
 * so that one rule cannot hold in one place and not in another. Each starts a fresh connection.
 */
export interface MalformedRequest {
  name: string;
  bytes: string;
  status: 400 | 501;
  /** The head is valid: the body framer refuses it. */
  inBody?: true;
}

const chunkedPost = 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n';
const get = (fields: string) => `GET / HTTP/1.1\r\n${fields}\r\n`;

export const MALFORMED_REQUESTS: readonly MalformedRequest[] = [
  // the reproduced smuggling case of issue 14: a bare LF ends the trailer section for a lax upstream
  {
    name: 'a bare LF after the last chunk, then a second request',
    bytes: `${chunkedPost}0\r\n\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n`,
    status: 400,
    inBody: true,
  },
  {
    name: 'a request line in the trailer section',
    bytes: `${chunkedPost}0\r\nGET /smuggled HTTP/1.1\r\n\r\n`,
    status: 400,
    inBody: true,
  },
  {
    name: 'a bare LF ending a chunk size',
    bytes: `${chunkedPost}5\nhello\r\n0\r\n\r\n`,
    status: 400,
    inBody: true,
  },
  {
    name: 'a bare CR ending a chunk size',
    bytes: `${chunkedPost}5\rhello\r\n0\r\n\r\n`,
    status: 400,
    inBody: true,
  },
  {
    name: 'a bare LF in a chunk extension',
    bytes: `${chunkedPost}5;a\nhello\r\n0\r\n\r\n`,
    status: 400,
    inBody: true,
  },
  {
    name: 'a bare CR in a chunk extension',
    bytes: `${chunkedPost}5;a\rb\r\nhello\r\n0\r\n\r\n`,
    status: 400,
    inBody: true,
  },
  {
    name: 'a NUL in a chunk extension',
    bytes: `${chunkedPost}5;a=b\0c\r\nhello\r\n0\r\n\r\n`,
    status: 400,
    inBody: true,
  },
  {
    name: 'a chunk extension without a name',
    bytes: `${chunkedPost}5;=b\r\nhello\r\n0\r\n\r\n`,
    status: 400,
    inBody: true,
  },
  {
    name: 'a bare LF in a trailer field',
    bytes: `${chunkedPost}0\r\nX-T: a\nb\r\n\r\n`,
    status: 400,
    inBody: true,
  },
  {
    name: 'a bare CR in a trailer field',
    bytes: `${chunkedPost}0\r\nX-T: a\rb\r\n\r\n`,
    status: 400,
    inBody: true,
  },
  {
    name: 'obs-fold in a trailer field',
    bytes: `${chunkedPost}0\r\nX-T: a\r\n b\r\n\r\n`,
    status: 400,
    inBody: true,
  },
  { name: 'a chunk size past 2^52', bytes: `${chunkedPost}fffffffffffff0\r\n`, status: 400, inBody: true },
  { name: 'an HTTP/1.1 request without Host', bytes: 'GET / HTTP/1.1\r\n\r\n', status: 400 },
  { name: 'two Host fields', bytes: get('Host: a\r\nHost: b\r\n'), status: 400 },
  { name: 'two Host fields on HTTP/1.0', bytes: 'GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n', status: 400 },
  {
    name: 'Transfer-Encoding on HTTP/1.0',
    bytes: 'POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    status: 400,
  },
  {
    name: 'a coding before chunked',
    bytes: get('Host: x\r\nTransfer-Encoding: gzip, chunked\r\n'),
    status: 501,
  },
  {
    name: 'a coding after chunked',
    bytes: get('Host: x\r\nTransfer-Encoding: chunked, identity\r\n'),
    status: 400,
  },
  {
    name: 'chunked twice',
    bytes: get('Host: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n'),
    status: 400,
  },
  { name: 'an obfuscated chunked', bytes: get('Host: x\r\nTransfer-Encoding: xchunked\r\n'), status: 400 },
  { name: 'a quoted chunked', bytes: get('Host: x\r\nTransfer-Encoding: "chunked"\r\n'), status: 400 },
  { name: 'a method llhttp does not know', bytes: 'get / HTTP/1.1\r\nHost: x\r\n\r\n', status: 501 },
  { name: 'obs-fold in a head', bytes: get('Host: x\r\nA: b\r\n c\r\n'), status: 400 },
  { name: 'a NUL in a head', bytes: get('Host: x\r\nA: b\0c\r\n'), status: 400 },
  { name: 'a bare CR in a head', bytes: get('Host: x\r\nA: b\rc\r\n'), status: 400 },
  { name: 'a control byte in a head', bytes: get('Host: x\r\nA: b\x01c\r\n'), status: 400 },
  { name: 'DEL in a head', bytes: get('Host: x\r\nA: b\x7fc\r\n'), status: 400 },
  { name: 'space before a colon', bytes: get('Host: x\r\nTransfer-Encoding : chunked\r\n'), status: 400 },
  {
    name: 'conflicting Content-Length',
    bytes: get('Host: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n'),
    status: 400,
  },
  {
    name: 'repeated Content-Length',
    bytes: get('Host: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n'),
    status: 400,
  },
  { name: 'a Content-Length list', bytes: get('Host: x\r\nContent-Length: 1, 1\r\n'), status: 400 },
  { name: 'a signed Content-Length', bytes: get('Host: x\r\nContent-Length: +1\r\n'), status: 400 },
  {
    name: 'Content-Length beside Transfer-Encoding',
    bytes: get('Host: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n'),
    status: 400,
  },
];
