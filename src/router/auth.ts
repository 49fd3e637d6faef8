import { timingSafeEqual } from 'node:crypto';

/**
 * A bearer-token check in constant time. The presented token is copied into a buffer the size of
 * the expected one (cut or zero-padded), so timingSafeEqual always compares the same number of
 * bytes whatever was presented: the time taken depends on neither the token's content nor its
 * length. The lengths are compared separately, and both results are combined without
 * short-circuiting. No hash per request: on a cold admin thread a SHA-256 was most of a switch's
 * own cost.
 */
export function bearerChecker(token: string): (authorization: string | undefined) => boolean {
  const expected = Buffer.from(token, 'utf8');
  const presentedBuf = Buffer.alloc(expected.length);
  return (authorization) => {
    const presented = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
    presentedBuf.fill(0);
    presentedBuf.write(presented, 'utf8');
    const sameBytes = timingSafeEqual(presentedBuf, expected);
    const sameLength = Buffer.byteLength(presented, 'utf8') === expected.length;
    return sameBytes && sameLength && presented.length > 0;
  };
}

/** One bearer-token check in constant time (see bearerChecker). */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  return bearerChecker(token)(authorization);
}
