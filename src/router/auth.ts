import { createHash, timingSafeEqual } from 'node:crypto';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/**
 * A bearer-token check in constant time, with the token's digest computed once. Both sides are
 * hashed so the comparison runs on equal-length digests: timingSafeEqual needs equal lengths, and
 * comparing lengths directly would leak the token's length.
 */
export function bearerChecker(token: string): (authorization: string | undefined) => boolean {
  const expected = sha256(token);
  return (authorization) => {
    const presented = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
    return timingSafeEqual(sha256(presented), expected) && presented.length > 0;
  };
}

/** One bearer-token check in constant time (see bearerChecker). */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  return bearerChecker(token)(authorization);
}
