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

  it('treats a close-delimited body as never done', () => {
    const f = new BodyFramer('close');
    expect(f.consume(Buffer.from('abc'), 1)).toBe(2);
    expect(f.done).toBe(false);
  });
});
