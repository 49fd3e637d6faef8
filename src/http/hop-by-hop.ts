/**
 * Hop-by-hop header fields, which describe one connection and must not be forwarded by a proxy
 * (RFC 9110 §7.6.1): `Connection`, every field it names, and the well-known ones below.
 *
 * `Transfer-Encoding` is hop-by-hop too, but the forwarder relays message bodies byte for byte
 * (chunked stays chunked), so the field that describes those bytes travels with them; see
 * head-writer.ts.
 */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'upgrade',
]);

const KEEP_ALIVE: string[] = ['keep-alive'];
const CLOSE: string[] = ['close'];

/** The lower-cased field names listed in a `Connection` header value (`close`, `x-foo`, …). */
export function connectionTokens(value: string | undefined): string[] {
  if (!value) return [];
  // the common values, without allocating
  if (value.length === 10 && value.toLowerCase() === 'keep-alive') return KEEP_ALIVE;
  if (value.length === 5 && value.toLowerCase() === 'close') return CLOSE;
  return value
    .toLowerCase()
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

/** True when a field must be dropped at this hop. `listed` = the tokens of the message's Connection header. */
export function isHopByHop(lowerName: string, listed: readonly string[]): boolean {
  return isWellKnownHopByHop(lowerName) || (listed.length > 0 && listed.includes(lowerName));
}

/**
 * `HOP_BY_HOP.has(name)` without hashing: every field name of every message is a fresh string,
 * so a Set lookup paid a hash computation per field on the hot path; comparing by length first does not.
 */
export function isWellKnownHopByHop(name: string): boolean {
  switch (name.length) {
    case 2:
      return name === 'te';
    case 7:
      return name === 'trailer' || name === 'upgrade';
    case 10:
      return name === 'connection' || name === 'keep-alive';
    case 16:
      return name === 'proxy-connection';
    case 18:
      return name === 'proxy-authenticate';
    case 19:
      return name === 'proxy-authorization';
    default:
      return false;
  }
}
