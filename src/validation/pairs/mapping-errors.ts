import type { ComparisonPair } from '../types.js';

/** The first answer in `pairs` that the response mapping could not read, as a gate's error. */
export function firstMappingError(
  pairs: readonly ComparisonPair[],
): { message: string; evidence: Record<string, unknown> } | undefined {
  for (const p of pairs) {
    for (const role of ['baseline', 'candidate'] as const) {
      const e = p[role].decodeError;
      if (e !== undefined)
        return {
          message: `${role} answer to ${p.id} holds no prediction: ${e}`,
          evidence: { pair: p.id, role, error: e, status: p[role].status },
        };
    }
  }
  return undefined;
}

/**
 * Pass pairs through until one holds an answer the mapping cannot read, then stop with an error:
 * a mapping that matches nothing is a configuration problem (the gate reports `error`), not a
 * disagreement to count.
 */
export async function* stopAtMappingError(
  pairs: AsyncIterable<ComparisonPair>,
): AsyncGenerator<ComparisonPair> {
  for await (const p of pairs) {
    const bad = firstMappingError([p]);
    if (bad) throw new Error(bad.message);
    yield p;
  }
}
