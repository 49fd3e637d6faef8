import { describe, expect, it } from 'vitest';
import { BodyFramer, FramingError } from './body-framer.js';

/** Feed `wire` to a framer cut at every possible point; returns consumed length and decoded payload. */
function feedSplit(framer: () => BodyFramer, wire: string, cut: number) {
  const f = framer();
  const payload: Buffer[] = [];
  f.capture((p) => payload.push(Buffer.from(p)));
  const buf = Buffer.from(wire, 'latin1');
  const a = buf.subarray(0, cut);
  const b = buf.subarray(cut);
  let used = f.consume(a, 0);
  if (!f.done) used += f.consume(b, 0);
  return { used, done: f.done, payload: Buffer.concat(payload).toString('latin1') };
}

describe('BodyFramer', () => {
  it('finds the end of a Content-Length body and leaves the next message alone', () => {
    const f = new BodyFramer('length', 5);
    expect(f.consume(Buffer.from('helloGET /'), 0)).toBe(5);
    expect(f.done).toBe(true);
  });

  it('decodes chunked bodies with extensions and trailers, whatever the packet boundaries', () => {
    const body = '5;name=v\r\nhello\r\n7\r\n, world\r\n0\r\nX-T: 1\r\n\r\n';
    const wire = `${body}NEXT`;
    for (let cut = 0; cut <= wire.length; cut++) {
      const r = feedSplit(() => new BodyFramer('chunked'), wire, cut);
      expect(r.done).toBe(true);
      expect(r.used).toBe(body.length);
      expect(r.payload).toBe('hello, world');
    }
  });

  it('counts payload bytes for size limits', () => {
    const f = new BodyFramer('chunked');
    f.consume(Buffer.from('a\r\n0123456789\r\n'), 0);
    expect(f.payloadBytes).toBe(10);
    expect(f.done).toBe(false);
  });

  it.each(['zz\r\n', '5\r\nhelloXX', '5\n', '12345678901234567\r\n', '\r\n'])(
    'rejects malformed chunking %j',
    (wire) => {
      const f = new BodyFramer('chunked');
      expect(() => f.consume(Buffer.from(wire), 0)).toThrow(FramingError);
    },
  );

  it.each([
    '5;a\r\nhello\r\n0\r\n\r\n',
    '5;a=b;c="d \\" e"\r\nhello\r\n0\r\n\r\n',
    '0000000000000005\r\nhello\r\n0\r\n\r\n',
    '0\r\nX-A: b\tc\r\nY:\r\n\r\n',
  ])('accepts the RFC 9112 §7.1 grammar %j', (wire) => {
    const f = new BodyFramer('chunked');
    expect(f.consume(Buffer.from(wire, 'latin1'), 0)).toBe(wire.length);
    expect(f.done).toBe(true);
  });

  it.each([
    ['whitespace before an extension', '5 ;a\r\n'],
    ['whitespace in an extension', '5;a = b\r\n'],
    ['an unterminated quoted value', '5;a="b\r\n'],
    ['a control byte in a quoted value', '5;a="\x01"\r\n'],
    ['a size past 2^52', '10000000000001\r\n'],
    ['a trailer without a colon', '0\r\nX\r\n\r\n'],
    ['a control byte in a trailer', '0\r\nX: \x7f\r\n\r\n'],
    ['an endless extension', `5;${'a'.repeat(20_000)}`],
  ])('refuses %s', (_, wire) => {
    const f = new BodyFramer('chunked');
    expect(() => f.consume(Buffer.from(wire, 'latin1'), 0)).toThrow(FramingError);
  });

  it('refuses a chunk that would take the body past its limit at the size line, with 413', () => {
    const f = new BodyFramer('chunked', 0, 10);
    f.consume(Buffer.from('8\r\n12345678\r\n'), 0);
    let err: unknown;
    try {
      f.consume(Buffer.from('3\r\n'), 0);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'GL_HTTP_BODY_TOO_LARGE', status: 413 });
    expect(f.payloadBytes).toBe(8);
  });

  it('treats a close-delimited body as never done', () => {
    const f = new BodyFramer('close');
    expect(f.consume(Buffer.from('abc'), 1)).toBe(2);
    expect(f.done).toBe(false);
  });
});
