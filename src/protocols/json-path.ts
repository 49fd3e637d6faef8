/**
 * A tiny JSON-path reader for response mappings and probes: `a.b[0].c`, `outputs[1].data`,
 * `["key with dots"]`, and an optional leading `$` / `$.` (JSONPath's root). No wildcards or
 * filters: a mapping names one place in the answer.
 */
export type PathStep = string | number;

export type PathResult = { found: true; value: unknown } | { found: false; missing: string };

/** One step at the start of `rest`: the step and how many characters it took. */
function firstStep(rest: string): [PathStep, number] | string {
  if (rest.startsWith('[')) {
    const quoted = /^\[\s*(["'])(.*?)\1\s*\]/.exec(rest);
    if (quoted) return [quoted[2], quoted[0].length];
    const index = /^\[\s*(\d+)\s*\]/.exec(rest);
    if (index) return [Number(index[1]), index[0].length];
    return `expected [N] or ["key"] at ${JSON.stringify(rest)}`;
  }
  const key = /^[^.[\]]+/.exec(rest);
  return key ? [key[0], key[0].length] : `expected a key at ${JSON.stringify(rest)}`;
}

/** The steps of a path; throws on a malformed one (a spec author's typo deserves a clear message). */
export function parsePath(path: string): PathStep[] {
  let rest = path.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  if (rest.startsWith('.')) rest = rest.slice(1);
  const steps: PathStep[] = [];
  const bad = (why: string) => new Error(`bad JSON path ${JSON.stringify(path)}: ${why}`);
  while (rest.length > 0) {
    const step = firstStep(rest);
    if (typeof step === 'string') throw bad(step);
    steps.push(step[0]);
    rest = rest.slice(step[1]);
    if (rest.startsWith('.')) {
      rest = rest.slice(1);
      if (rest === '' || rest.startsWith('.')) throw bad('empty key');
    } else if (rest !== '' && !rest.startsWith('[')) throw bad(`unexpected ${JSON.stringify(rest)}`);
  }
  return steps;
}

function stepText(s: PathStep): string {
  return typeof s === 'number' ? `[${s}]` : `.${s}`;
}

/** Read `path` in `value`; when it is not there, `missing` is the longest prefix that was not found. */
export function readPath(value: unknown, path: string | PathStep[]): PathResult {
  const steps = typeof path === 'string' ? parsePath(path) : path;
  let at: unknown = value;
  let walked = '';
  for (const s of steps) {
    walked += stepText(s);
    if (typeof s === 'number') {
      if (!Array.isArray(at) || s >= at.length) return { found: false, missing: walked.replace(/^\./, '') };
      at = at[s];
    } else {
      if (typeof at !== 'object' || at === null || Array.isArray(at) || !Object.hasOwn(at, s))
        return { found: false, missing: walked.replace(/^\./, '') };
      at = (at as Record<string, unknown>)[s];
    }
  }
  return { found: true, value: at };
}
