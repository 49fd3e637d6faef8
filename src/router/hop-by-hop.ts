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
  return HOP_BY_HOP.has(lowerName) || (listed.length > 0 && listed.includes(lowerName));
}
