import { InvalidDocumentError } from '../../errors.js';
import { type EncodedRequest, EncodeError, type Protocol } from '../../protocols/protocol.js';
import { inputOf, type Sample } from './samples-file.js';

/**
 * Encode every sample with each side's protocol before any traffic, so a row a protocol cannot
 * send is named by its line up front (not found halfway through a replay). Throws an
 * InvalidDocumentError listing the rows; returns the requests per side, in sample order.
 */
export function encodeSamples<K extends string>(
  samples: readonly Sample[],
  protocols: Record<K, Protocol>,
  what = 'samples',
): Record<K, EncodedRequest[]> {
  const out = {} as Record<K, EncodedRequest[]>;
  const problems: { path: string; expected: string; found: string }[] = [];
  for (const [side, protocol] of Object.entries(protocols) as [K, Protocol][]) {
    // Both sides often share a protocol: encode once.
    const same = (Object.entries(protocols) as [K, Protocol][]).find(([, p]) => p === protocol);
    if (same && same[0] !== side && out[same[0]]) {
      out[side] = out[same[0]];
      continue;
    }
    out[side] = [];
    samples.forEach((s, i) => {
      try {
        out[side].push(protocol.encode(inputOf(s)));
      } catch (err) {
        if (!(err instanceof EncodeError)) throw err;
        problems.push({
          path: `${s.line !== undefined ? `line ${s.line}` : `sample ${i + 1}`}: input (${side}, protocol ${protocol.name})`,
          expected: err.expected,
          found: err.found,
        });
      }
    });
  }
  if (problems.length > 0) throw new InvalidDocumentError(what, problems.slice(0, 20));
  return out;
}
