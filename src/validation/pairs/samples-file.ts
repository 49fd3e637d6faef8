import { readFile } from 'node:fs/promises';
import { describeValue, GreenlightError, InvalidDocumentError } from '../../errors.js';

/**
 * One line of a samples file (docs/protocols.md): `{"input": <request body or OIP inputs>,
 * "expected"?: label | number, "slice"?}`, or the shorthand `{"text": "…"}` (= input `{"text": …}`,
 * greenlight's /predict body). `expected_label` is the older spelling of `expected`.
 */
export interface Sample {
  /** What the protocol encodes into a request; absent = the text shorthand's `{"text": text}`. */
  input?: unknown;
  /** A readable form of the input: the text, else the input as JSON. */
  text: string;
  expected?: string | number;
  slice?: string;
  /** 1-based line in the file, for messages ("line 7: input: …"); absent for samples built in code. */
  line?: number;
}

type Problem = { path: string; expected: string; found: string };

/** A readable one-line form of an input, at most `n` characters. */
export function describeInput(input: unknown, n = 200): string {
  const text = typeof input === 'string' ? input : (input as { text?: unknown } | null)?.text;
  const s = typeof text === 'string' ? text : (JSON.stringify(input) ?? String(input));
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/** What a sample sends: its input, or `{"text"}` for a text-only sample. */
export function inputOf(s: Pick<Sample, 'input' | 'text'>): unknown {
  return s.input !== undefined ? s.input : { text: s.text };
}

/** A sample built in code from a text (tests, warm-up): the shorthand's meaning. */
export function textSample(text: string, extra: Partial<Omit<Sample, 'input' | 'text'>> = {}): Sample {
  return { input: { text }, text, ...extra };
}

function readInput(o: Record<string, unknown>, where: string): Pick<Sample, 'input' | 'text'> | Problem {
  if (o.input !== undefined) {
    if (o.input === null) return { path: `${where}: input`, expected: 'the model input', found: 'null' };
    if (o.text !== undefined)
      return {
        path: `${where}: text`,
        expected: 'nothing when "input" is given',
        found: describeValue(o.text),
      };
    return { input: o.input, text: describeInput(o.input) };
  }
  if (o.text === undefined)
    return {
      path: `${where}: input`,
      expected: 'the model input ("input": a request body or OIP inputs, or "text": "…")',
      found: 'nothing',
    };
  if (typeof o.text !== 'string' || o.text === '')
    return { path: `${where}: text`, expected: 'a non-empty string', found: describeValue(o.text) };
  return { input: { text: o.text }, text: o.text };
}

/** One non-blank line → a sample, or the problems with it. */
function parseLine(line: string, where: string, lineNo: number): Sample | Problem[] {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return [{ path: where, expected: 'a JSON object', found: describeValue(line) }];
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return [{ path: where, expected: 'a JSON object', found: describeValue(v) }];
  const o = v as Record<string, unknown>;
  const input = readInput(o, where);
  if ('path' in input) return [input];
  const s: Sample = { ...input, line: lineNo };
  const problems: Problem[] = [];
  const key = o.expected !== undefined ? 'expected' : 'expected_label';
  const expected = o[key];
  if (typeof expected === 'string' || (typeof expected === 'number' && Number.isFinite(expected)))
    s.expected = expected;
  else if (expected !== undefined && expected !== null)
    problems.push({
      path: `${where}: ${key}`,
      expected: 'a label (string) or a number',
      found: describeValue(expected),
    });
  if (typeof o.slice === 'string') s.slice = o.slice;
  else if (o.slice !== undefined && o.slice !== null)
    problems.push({ path: `${where}: slice`, expected: 'a string', found: describeValue(o.slice) });
  return problems.length > 0 ? problems : s;
}

/**
 * Parse JSON-lines samples; blank lines are skipped. Every bad line is reported (by line number)
 * at once as an InvalidDocumentError; a file with no samples is one too.
 */
export function parseSamples(text: string, what = 'samples file'): Sample[] {
  const samples: Sample[] = [];
  const problems: Problem[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const r = parseLine(line, `line ${i + 1}`, i + 1);
    if (Array.isArray(r)) problems.push(...r);
    else samples.push(r);
  }
  if (problems.length > 0) throw new InvalidDocumentError(what, problems.slice(0, 20));
  if (samples.length === 0)
    throw new InvalidDocumentError(what, [
      { path: '(file)', expected: 'at least one sample line', found: 'none' },
    ]);
  return samples;
}

/** Read and parse a samples file; a missing file is GL_SAMPLES_NOT_FOUND. */
export async function readSamples(path: string): Promise<Sample[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new GreenlightError(
      'GL_SAMPLES_NOT_FOUND',
      `cannot read samples file ${path}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return parseSamples(text, `samples file ${path}`);
}
