/**
 * The one JSON-path reader, for probes' `jsonField` and response mappings: `a.b[0].c`,
 * `outputs[1].data`, `["key with dots"]`, and an optional leading `$` / `$.` (JSONPath's root).
 * No wildcards or filters: a path names one place in the answer. It lives in spec because the
 * spec's checks reject a path this reader could not follow; protocols and platforms import it.
 */
export type PathStep = string | number;

/**
 * A path that does not match says how far it got: `matched` is the longest prefix that was found
 * ("" for none), `missing` the prefix that was not (`matched` plus one step).
 */
export type PathRead = { found: true; value: unknown } | { found: false; matched: string; missing: string };

/** One step at the start of `rest`: the step and how many characters it took, or why there is none. */
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

function stepsOf(path: string): PathStep[] | string {
  let rest = path.trim();
  if (rest === '') return 'empty path';
  if (rest.startsWith('$')) {
    rest = rest.slice(1);
    if (rest.startsWith('.')) rest = rest.slice(1);
  }
  const steps: PathStep[] = [];
  while (rest.length > 0) {
    const step = firstStep(rest);
    if (typeof step === 'string') return step;
    steps.push(step[0]);
    rest = rest.slice(step[1]);
    if (rest.startsWith('.')) {
      rest = rest.slice(1);
      if (rest === '' || rest.startsWith('.')) return 'empty key';
    } else if (rest !== '' && !rest.startsWith('[')) return `unexpected ${JSON.stringify(rest)}`;
  }
  return steps;
}

/** Why `path` is not a JSON path this reader follows; undefined when it is one. */
export function pathProblem(path: string): string | undefined {
  const steps = stepsOf(path);
  return typeof steps === 'string' ? steps : undefined;
}

/** The steps of a path; throws on a malformed one (a spec author's typo deserves a clear message). */
export function parsePath(path: string): PathStep[] {
  const steps = stepsOf(path);
  if (typeof steps === 'string') throw new Error(`bad JSON path ${JSON.stringify(path)}: ${steps}`);
  return steps;
}

/** A step as written after `prefix`: `[0]`, `.key`, or `["a.b"]` for a key a dot would split. */
function stepText(prefix: string, s: PathStep): string {
  if (typeof s === 'number') return `[${s}]`;
  if (/[.[\]]/.test(s)) return `[${JSON.stringify(s)}]`;
  return prefix === '' ? s : `.${s}`;
}

/** Follow `path` into `value` (own properties only: inherited ones are not part of an answer). */
export function readPath(value: unknown, path: string | PathStep[]): PathRead {
  const steps = typeof path === 'string' ? parsePath(path) : path;
  let at: unknown = value;
  let matched = '';
  for (const s of steps) {
    const here =
      typeof s === 'number'
        ? Array.isArray(at) && s < at.length
        : typeof at === 'object' && at !== null && !Array.isArray(at) && Object.hasOwn(at, s);
    if (!here) return { found: false, matched, missing: matched + stepText(matched, s) };
    at = (at as Record<PathStep, unknown>)[s];
    matched += stepText(matched, s);
  }
  return { found: true, value: at };
}
