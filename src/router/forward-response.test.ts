import { describe, expect, it } from 'vitest';
import { HeadError, headEnd } from '../http/head.js';
import { forwardResponseHead, viaGeneralPath } from './forward-response.js';

function both(head: string): { fast: unknown; slow: unknown } {
  const buf = Buffer.from(`${head}body`, 'latin1');
  const end = headEnd(buf);
  const run = (f: () => unknown) => {
    try {
      return f();
    } catch (err) {
      expect(err).toBeInstanceOf(HeadError);
      return 'HeadError';
    }
  };
  return { fast: run(() => forwardResponseHead(buf, end)), slow: run(() => viaGeneralPath(buf, end)) };
}

const HEADS = [
  'HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: application/json\r\nContent-Length: 49\r\nConnection: keep-alive\r\nx-model-version: v1\r\n\r\n',
  'HTTP/1.1 204\r\n\r\n',
  'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n',
  'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\n',
  'HTTP/1.1 200 OK\r\nTRANSFER-ENCODING: chunked\r\nContent-Length: nonsense\r\n\r\n',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n',
  'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nX-Greenlight-Color: green\r\nx-greenlight-generation: 9\r\nx-greenlightish: kept\r\nContent-Length: 0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nConnection: close, X-Secret\r\nX-Secret: s\r\nX-Other: o\r\nContent-Length: 0\r\n\r\n',
  'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nPROXY-AUTHORIZATION: x\r\nContent-Length: 0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nTE: trailers\r\nTrailer: x\r\nUpgrade: h2c\r\nProxy-Connection: keep-alive\r\nContent-Length: 0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nX-Model-Version:   v2  \r\nx-model-version: v3\r\nContent-Length: 0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n',
  'HTTP/1.1 200 OK\r\n: x\r\n\r\n',
  'HTTP/1.1 200 OK\r\nA: b\nC: d\r\n\r\n',
  'HTTP/1.1 200 OK\r\nA: b\rC: d\r\n\r\n',
  'HTTP/1.1 200 OK\r\nA: b\0\r\n\r\n',
  'HTTP/1.1 200 O\nK\r\n\r\n',
  'HTTP/1.1 2000 OK\r\n\r\n',
  'HTTP/1.2 200 OK\r\n\r\n',
  'SSH-2.0-OpenSSH\r\n\r\n',
  'HTTP/1.1 099 Low\r\n\r\n',
  'HTTP/1.1 200 OK\r\n folded: x\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: \t 7 \t\r\nCONNECTION:  Close \r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: +3\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: 123456789012345\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: 3\xa0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
  'HTTP/1.1 200 OK\r\nConnection: close, \r\nContent-Length: 0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nConnection:\r\nContent-Length: 0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nConnection: keep-alivex\r\nKeep-Alivex: 1\r\nContent-Length: 0\r\n\r\n',
];

describe('forwardResponseHead', () => {
  it.each(HEADS)('agrees with the general path on %j', (head) => {
    const { fast, slow } = both(head);
    expect(fast).toEqual(slow);
  });

  it('drops hop-by-hop and color fields and keeps the rest in order', () => {
    const buf = Buffer.from(HEADS[12], 'latin1');
    const res = forwardResponseHead(buf, headEnd(buf));
    expect(res.kept).toBe('HTTP/1.1 200 OK\r\nx-greenlightish: kept\r\nContent-Length: 0\r\n');
    const secret = Buffer.from(HEADS[13], 'latin1');
    expect(forwardResponseHead(secret, headEnd(secret)).kept).toBe(
      'HTTP/1.1 200 OK\r\nX-Other: o\r\nContent-Length: 0\r\n',
    );
  });

  it('reads framing and the model version', () => {
    const buf = Buffer.from(HEADS[0], 'latin1');
    expect(forwardResponseHead(buf, headEnd(buf))).toMatchObject({
      status: 200,
      contentLength: 49,
      chunked: false,
      close: false,
      modelVersion: 'v1',
    });
    const http10 = Buffer.from(HEADS[2], 'latin1');
    expect(forwardResponseHead(http10, headEnd(http10))).toMatchObject({ minor: 0, close: true });
    expect(forwardResponseHead(http10, headEnd(http10)).kept.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
  });
});
