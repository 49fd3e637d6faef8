import { describe, expect, it } from 'vitest';
import { HeadError } from './errors.js';
import { nextRequestHead, requestBodyFramer } from './request-reader.js';

const buf = (s: string) => Buffer.from(s, 'latin1');

describe('nextRequestHead', () => {
  it('skips empty lines before a request line and finds the head at an offset', () => {
    const b = buf('xx\r\n\r\nGET /a HTTP/1.1\r\nHost: h\r\n\r\nrest');
    const next = nextRequestHead(b, 2, 1024);
    expect(next.start).toBe(6);
    expect(next.head?.target).toBe('/a');
    expect(b.subarray((next as { end: number }).end).toString()).toBe('rest');
  });

  it('says where to wait from when the head has not fully arrived', () => {
    expect(nextRequestHead(buf('\r\nGET /a HTTP/1.1\r\nHo'), 0, 1024)).toEqual({ start: 2, head: undefined });
    expect(nextRequestHead(buf('\r\n'), 0, 1024)).toEqual({ start: 2, head: undefined });
  });

  it('refuses a head over the limit with 431, complete or still arriving', () => {
    for (const s of [
      `GET / HTTP/1.1\r\nX: ${'a'.repeat(100)}\r\n\r\n`,
      `GET / HTTP/1.1\r\nX: ${'a'.repeat(100)}`,
    ]) {
      expect(() => nextRequestHead(buf(s), 0, 64)).toThrow(expect.objectContaining({ status: 431 }));
    }
    expect(() => nextRequestHead(buf('GET / HTTP/1.1\r\n\r\n'), 0, 64)).toThrow(HeadError);
  });
});

describe('requestBodyFramer', () => {
  it('frames by the head, and bounds chunked sizes by the limit', () => {
    const head = (s: string) => nextRequestHead(buf(s), 0, 1024).head!;
    expect(requestBodyFramer(head('GET / HTTP/1.1\r\nHost: h\r\n\r\n')).done).toBe(true);
    expect(requestBodyFramer(head('POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n')).framing).toBe(
      'length',
    );
    const chunked = requestBodyFramer(
      head('POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n'),
      4,
    );
    expect(() => chunked.consume(buf('5\r\n'), 0)).toThrow(expect.objectContaining({ status: 413 }));
  });
});
