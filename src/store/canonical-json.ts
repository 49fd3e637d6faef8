/**
 * Canonical JSON: object keys sorted at every depth, no whitespace. Two records that mean the
 * same thing hash the same, whatever order their fields were written in. Values JSON cannot
 * carry are normalised the way JSON.stringify does (undefined members dropped, NaN → null), so
 * a record hashes the same before it is stored and after it is read back.
 */
export function canonicalJson(value: unknown): string {
  const out = JSON.stringify(sortKeys(value));
  return out === undefined ? 'null' : out;
}

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return sortKeys(withJson.toJSON());
  if (Array.isArray(value)) return value.map(sortKeys);
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort())
    sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}
