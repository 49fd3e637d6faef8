import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Bearer-token check in constant time. Both sides are hashed first so the comparison runs on
 * equal-length digests: timingSafeEqual needs equal lengths, and comparing lengths directly would
 * leak the token's length.
 */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const presented = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b) && presented.length > 0;
}
