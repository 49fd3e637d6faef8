import fc from 'fast-check';

/**
 * A seeded generator of HTTP/1.1 messages, valid and malformed, for the differential tests against
 * llhttp (llhttp-differential.test.ts). The malformed ones follow the published request-smuggling
 * families: CL.TE and TE.CL (both framing fields), TE.TE and obfuscated Transfer-Encoding
 * (`xchunked`, ` chunked`, `chunked, identity`, a space before the colon, a folded line), chunk-size,
 * chunk-extension and trailer tricks, bare LF / bare CR line ends, duplicate framing fields, NUL and
 * control bytes. Each message says whether it was built valid (no mutation chosen): a strict reader
 * must accept those.
 */
export interface Generated {
  text: string;
  /** Built without any mutation: every strict reader must accept it. */
  valid: boolean;
}

/** A part that is usually right and sometimes one of the given wrong forms. */
function mostly(right: string, wrong: readonly string[], weight = 12): fc.Arbitrary<Generated> {
  return fc.oneof(
    { arbitrary: fc.constant({ text: right, valid: true }), weight },
    { arbitrary: fc.constantFrom(...wrong).map((text) => ({ text, valid: false })), weight: 1 },
  );
}

function join(parts: Generated[]): Generated {
  return { text: parts.map((p) => p.text).join(''), valid: parts.every((p) => p.valid) };
}

const eol = mostly('\r\n', ['\n', '\r', '\r\r\n', '\n\r']);

const field = (line: string, wrong: readonly string[]) => fc.tuple(mostly(line, wrong), eol).map(join);

const extraField = fc.oneof(
  field('X-A: b', [
    'X-A: b\0c',
    'X-A: b\x01c',
    'X-A: b\x7f',
    'X-A: b\rc',
    ' folded',
    'X-A : b',
    'Bad Name: x',
  ]),
  field('X-B:\tv\xe9', ['X-B: \x0bv', ':empty']),
);

const host = mostly('Host: x\r\n', ['', 'Host: x\r\nHost: y\r\n', 'Host: x\nHost: y\r\n']);

const requestLine = fc
  .tuple(
    fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
    fc.constantFrom('/', '/a', '/p?q=1'),
    mostly(' HTTP/1.1', [' HTTP/1.0', ' HTTP/1.2', '  HTTP/1.1', ' HTTP/1.1 ', ' http/1.1']),
    eol,
  )
  .map(([method, target, version, end]) =>
    join([{ text: `${method} ${target}`, valid: true }, version, end]),
  );

const payload = fc.string({ unit: fc.constantFrom('a', 'b', '0', '\r', '\n', ' '), maxLength: 12 });

/** Content-Length framing: the right length, or off by one, repeated, listed, signed. */
const lengthFramed = fc
  .tuple(payload, mostly('=', ['+1', '-1', 'dup', 'dup-other', 'list', 'sign']))
  .map(([body, how]) => {
    const n = Buffer.byteLength(body, 'latin1');
    const value = { '=': `${n}`, '+1': `${n + 1}`, '-1': `${Math.max(0, n - 1)}`, sign: `+${n}` }[how.text];
    let fields = `Content-Length: ${value ?? n}\r\n`;
    if (how.text === 'dup') fields += `Content-Length: ${n}\r\n`;
    if (how.text === 'dup-other') fields += `Content-Length: ${n + 2}\r\n`;
    if (how.text === 'list') fields = `Content-Length: ${n}, ${n}\r\n`;
    return { fields, body, valid: how.valid };
  });

const teField = mostly('Transfer-Encoding: chunked\r\n', [
  'Transfer-Encoding: xchunked\r\n',
  'Transfer-Encoding:  chunked\r\n',
  'Transfer-Encoding: chunked \r\n',
  'Transfer-Encoding: Chunked\r\n',
  'Transfer-Encoding: chunked, identity\r\n',
  'Transfer-Encoding: identity, chunked\r\n',
  'Transfer-Encoding: gzip, chunked\r\n',
  'Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n',
  'Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n',
  'Transfer-Encoding : chunked\r\n',
  'Transfer-Encoding:\x0bchunked\r\n',
  'Transfer-Encoding: "chunked"\r\n',
  'Transfer-Encoding:\r\n chunked\r\n',
  'X-Foo: x\r\nTransfer-Encoding\r\n: chunked\r\n',
  'Transfer-Encoding: chunked\r\nContent-Length: 3\r\n',
  'Content-Length: 0\r\nTransfer-Encoding: chunked\r\n',
  'Transfer-Encoding: chunk\r\n',
]);

const extension = mostly('', [
  ';a',
  ';a=b',
  ';a="b c"',
  ' ;a',
  ';a ',
  ';a\n',
  ';a\0',
  ';a=\r',
  ';=',
  ';a="',
  ';a="\\"";b',
]);

const chunk = fc
  .tuple(
    payload.filter((s) => s.length > 0),
    mostly('exact', ['short', 'long', 'upper', 'zeros', '0x', 'huge']),
    extension,
    eol,
    eol,
  )
  .map(([data, size, ext, end1, end2]) => {
    const n = data.length;
    const digits =
      {
        exact: n.toString(16),
        short: (n - 1).toString(16),
        long: (n + 1).toString(16),
        upper: n.toString(16).toUpperCase(),
        zeros: `000${n.toString(16)}`,
        '0x': `0x${n.toString(16)}`,
        huge: 'fffffffffffffffff',
      }[size.text] ?? '';
    // an uppercase or zero-padded size is valid too: only the wrong sizes make the chunk invalid
    const sizeValid = size.valid || size.text === 'upper' || size.text === 'zeros';
    return join([{ text: digits, valid: sizeValid }, ext, end1, { text: data, valid: true }, end2]);
  });

const trailer = mostly('X-T: 1\r\n', [
  'X-T: 1\n',
  ' obs\r\n',
  'GET /smuggled HTTP/1.1\r\n',
  'X-T: a\rb\r\n',
  'X-T: a\0\r\n',
  'Bad Name: 1\r\n',
  '\n',
]);

const chunkedBody = fc
  .tuple(
    fc.array(chunk, { maxLength: 3 }),
    mostly('0', ['00', '0;a', '0 ', '-0']),
    eol,
    fc.array(trailer, { maxLength: 2 }),
    eol,
  )
  .map(([chunks, last, end, trailers, final]) => join([...chunks, last, end, ...trailers, final]));

/** One request, framed by Content-Length, chunked, or nothing. */
export const request: fc.Arbitrary<Generated> = fc
  .tuple(
    requestLine,
    host,
    fc.array(extraField, { maxLength: 2 }),
    fc.oneof(
      fc.constant({ kind: 'none' as const }),
      lengthFramed.map((l) => ({ kind: 'length' as const, ...l })),
      fc.tuple(teField, chunkedBody).map(([te, body]) => ({ kind: 'chunked' as const, te, body })),
    ),
  )
  .map(([line, h, extras, framing]) => {
    const head = [line, h, ...extras];
    if (framing.kind === 'length')
      return join([...head, { text: `${framing.fields}\r\n${framing.body}`, valid: framing.valid }]);
    if (framing.kind === 'chunked')
      return join([...head, framing.te, { text: '\r\n', valid: true }, framing.body]);
    return join([...head, { text: '\r\n', valid: true }]);
  });

/** One to three requests in a row on one connection (pipelined), where a desync would show. */
export const requestStream: fc.Arbitrary<Generated> = fc
  .array(request, { minLength: 1, maxLength: 3 })
  .map(join);

const statusLine = mostly('HTTP/1.1 200 OK\r\n', [
  'HTTP/1.1 200 O\x01K\r\n',
  'HTTP/1.1 200 OK\n',
  'HTTP/1.1 2000 OK\r\n',
  'HTTP/1.0 200 OK\r\n',
  'HTTP/1.1  200 OK\r\n',
  'HTTP/1.1 200\r\n',
]);

/** One response, framed by Content-Length or chunked (responses always end their body; no close-delimited ones). */
export const response: fc.Arbitrary<Generated> = fc
  .tuple(
    statusLine,
    fc.array(extraField, { maxLength: 2 }),
    fc.oneof(
      lengthFramed.map((l) => ({ text: `${l.fields}\r\n${l.body}`, valid: l.valid })),
      fc.tuple(teField, chunkedBody).map(([te, body]) => join([te, { text: '\r\n', valid: true }, body])),
    ),
  )
  // an HTTP/1.0 status line counts as a mutation: with Transfer-Encoding the router refuses it (RFC 9112 §6.1)
  .map(([line, extras, rest]) => join([line, ...extras, rest]));
