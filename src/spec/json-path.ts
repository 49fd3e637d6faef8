/**
 * The spec's JSON paths ("status", "model.state", "predictions[0].label", "outputs[0].data"):
 * keys separated by dots, list indices in brackets. Read-only; a path that does not match gives
 * `{ found: false }` with how far it got, so an error can say where the answer stopped matching.
 */
export type PathRead = { found: true; value: unknown } | { found: false; matched: string };

const SEGMENT = /([^.[\]]+)|\[(\d+)\]/g;

/** The path's segments: keys as strings, indices as numbers; undefined when the syntax is wrong. */
export function parsePath(path: string): (string | number)[] | undefined {
  const segments: (string | number)[] = [];
  let consumed = 0;
  for (const m of path.matchAll(SEGMENT)) {
    const gap = path.slice(consumed, m.index);
    if (gap !== '' && !(gap === '.' && segments.length > 0)) return undefined;
    segments.push(m[2] !== undefined ? Number(m[2]) : m[1]);
    consumed = (m.index ?? 0) + m[0].length;
  }
  return consumed === path.length && segments.length > 0 ? segments : undefined;
}

/** Follow `path` into `value`. */
export function readPath(value: unknown, path: string): PathRead {
  const segments = parsePath(path);
  if (!segments) return { found: false, matched: '' };
  let cur = value;
  let matched = '';
  for (const s of segments) {
    const next =
      typeof s === 'number'
        ? Array.isArray(cur) && s < cur.length
          ? { ok: true, v: cur[s] }
          : { ok: false }
        : cur !== null && typeof cur === 'object' && !Array.isArray(cur) && Object.hasOwn(cur, s)
          ? { ok: true, v: (cur as Record<string, unknown>)[s] }
          : { ok: false };
    if (!next.ok) return { found: false, matched };
    cur = next.v;
    matched += typeof s === 'number' ? `[${s}]` : matched ? `.${s}` : s;
  }
  return { found: true, value: cur };
}
