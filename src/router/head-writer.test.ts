import { describe, expect, it } from 'vitest';
import { headEnd, parseRequestHead } from '../http/head.js';
import { upstreamHeaderLines, upstreamRequestHead } from './head-writer.js';

function parse(text: string) {
  const buf = Buffer.from(text, 'latin1');
  return parseRequestHead(buf, headEnd(buf));
}

describe('upstream request head', () => {
  it('copies an HTTP/1.1 request line and the kept fields, and adds the forwarding fields', () => {
    const head = parse(
      'POST /predict?x=1 HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\n' +
        'X-Forwarded-For: 10.0.0.1\r\nContent-Length: 2\r\nX-Keep: yes\r\n\r\n',
    );
    expect(upstreamRequestHead(head, '127.0.0.1', 'b:1')).toBe(
      'POST /predict?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nX-Keep: yes\r\n' +
        'x-forwarded-for: 10.0.0.1, 127.0.0.1\r\nx-forwarded-proto: http\r\n\r\n',
    );
  });

  it('rewrites an HTTP/1.0 request line as HTTP/1.1 and supplies the Host it lacked', () => {
    const head = parse('GET /old HTTP/1.0\r\nAccept: */*\r\n\r\n');
    expect(upstreamRequestHead(head, '10.1.1.1', 'backend:8080')).toBe(
      'GET /old HTTP/1.1\r\nAccept: */*\r\nhost: backend:8080\r\n' +
        'x-forwarded-for: 10.1.1.1\r\nx-forwarded-proto: http\r\n\r\n',
    );
  });

  it('is the request line, then the field block of upstreamHeaderLines, then CRLF', () => {
    for (const text of [
      'GET / HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /a HTTP/1.1\r\nTE: trailers\r\nHost: x\r\nUpgrade: h2c\r\n\r\n',
      'DELETE /b HTTP/1.0\r\nConnection: keep-alive\r\nX-Forwarded-For: 1.2.3.4\r\nX-Forwarded-For: 5.6.7.8\r\n\r\n',
    ]) {
      const head = parse(text);
      const lines = upstreamHeaderLines(head, '9.9.9.9', 'h:1', false);
      expect(upstreamRequestHead(head, '9.9.9.9', 'h:1')).toBe(
        `${head.method} ${head.target} HTTP/1.1\r\n${lines}\r\n`,
      );
    }
  });
});
