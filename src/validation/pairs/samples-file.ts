import { readFile } from 'node:fs/promises';
import { describeValue, GreenlightError, InvalidDocumentError } from '../../errors.js';

/** One line of a samples file (DESIGN.md): only `text` is required. */
export interface Sample {
  text: string;
  expectedLabel?: string;
  slice?: string;
}

type Problem = { path: string; expected: string; found: string };

/** One non-blank line → a sample, or the problems with it. */
function parseLine(line: string, where: string): Sample | Problem[] {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return [{ path: where, expected: 'a JSON object', found: describeValue(line) }];
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return [{ path: where, expected: 'a JSON object', found: describeValue(v) }];
  const o = v as Record<string, unknown>;
  if (typeof o.text !== 'string' || o.text === '') {
    return [{ path: `${where}: text`, expected: 'a non-empty string', found: describeValue(o.text) }];
  }
  const s: Sample = { text: o.text };
  const problems: Problem[] = [];
  for (const [key, field] of [
    ['expected_label', 'expectedLabel'],
    ['slice', 'slice'],
  ] as const) {
    const value = o[key];
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') s[field] = value;
    else problems.push({ path: `${where}: ${key}`, expected: 'a string', found: describeValue(value) });
  }
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
    const r = parseLine(line, `line ${i + 1}`);
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
