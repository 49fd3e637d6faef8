import { describeNetworkError, type HttpClient, joinUrl } from '../http.js';
import { parseBody } from '../pairs/capture.js';
import type { ComparisonPair, GateResult } from '../types.js';
import { errorResult, gateResult } from './result.js';

/** JSON type names by path: `{label: "spam"}` → `{"label": ["string"]}`; array elements use `[]`. */
export function shapeOf(
  value: unknown,
  path = '',
  out = new Map<string, Set<string>>(),
): Map<string, Set<string>> {
  const add = (t: string) => {
    if (!out.has(path)) out.set(path, new Set());
    out.get(path)?.add(t);
  };
  if (value === null) add('null');
  else if (Array.isArray(value)) {
    add('array');
    for (const v of value.slice(0, 10)) shapeOf(v, `${path}[]`, out);
  } else if (typeof value === 'object') {
    add('object');
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      shapeOf(v, path === '' ? k : `${path}.${k}`, out);
  } else add(typeof value);
  return out;
}

export interface SchemaDiff {
  missing: string[];
  added: string[];
  changed: { path: string; baseline: string; candidate: string }[];
}

/** Differences between two shapes; the root ("") is compared like any other path. */
export function diffShapes(
  baseline: Map<string, Set<string>>,
  candidate: Map<string, Set<string>>,
): SchemaDiff {
  const diff: SchemaDiff = { missing: [], added: [], changed: [] };
  const fmt = (s: Set<string>) => [...s].sort().join('|');
  for (const [path, types] of baseline) {
    const c = candidate.get(path);
    if (!c) diff.missing.push(path);
    else if (fmt(c) !== fmt(types))
      diff.changed.push({ path: path || '(root)', baseline: fmt(types), candidate: fmt(c) });
  }
  for (const path of candidate.keys()) if (!baseline.has(path)) diff.added.push(path);
  return diff;
}

const isEmpty = (d: SchemaDiff) => d.missing.length + d.added.length + d.changed.length === 0;

export interface SchemaGateInput {
  client: HttpClient;
  baseline: string;
  candidate: string;
  /** Replayed or shadowed pairs: the /predict answers to compare (up to 50 are used). */
  pairs: readonly ComparisonPair[];
  /** OIP model name, `/v2/models/{name}` (the model server's default is `model`). */
  oipModelName?: string;
}

async function getJson(
  client: HttpClient,
  url: string,
): Promise<{ status: number; body: unknown } | { error: string }> {
  try {
    const r = await client.request('GET', url, undefined, 5000);
    return { status: r.status, body: parseBody(r.text) };
  } catch (err) {
    return { error: describeNetworkError(err) };
  }
}

/** The metadata's tensors without versions (which are expected to differ). */
function tensors(meta: unknown): unknown {
  const m = meta as { inputs?: unknown; outputs?: unknown };
  return { inputs: m?.inputs ?? null, outputs: m?.outputs ?? null };
}

type Fetched = Awaited<ReturnType<typeof getJson>>;
const speaks = (r: Fetched): r is { status: number; body: unknown } => 'status' in r && r.status === 200;

/** Compare OIP metadata when either side serves `/v2`: evidence, plus a problem when they differ. */
async function compareOip(
  input: SchemaGateInput,
): Promise<{ oip: Record<string, unknown>; problem?: string }> {
  const name = input.oipModelName ?? 'model';
  const [bv2, cv2] = await Promise.all([
    getJson(input.client, joinUrl(input.baseline, '/v2')),
    getJson(input.client, joinUrl(input.candidate, '/v2')),
  ]);
  if (!speaks(bv2) && !speaks(cv2)) return { oip: { served: false } };
  if (!speaks(cv2))
    return {
      oip: { served: 'baseline only' },
      problem: 'baseline serves OIP v2 (/v2) but the candidate does not',
    };
  if (!speaks(bv2)) return { oip: { served: 'candidate only' } };
  const path = `/v2/models/${encodeURIComponent(name)}`;
  const [bm, cm] = await Promise.all([
    getJson(input.client, joinUrl(input.baseline, path)),
    getJson(input.client, joinUrl(input.candidate, path)),
  ]);
  if (!speaks(bm)) return { oip: { served: true, model: name, note: `baseline has no model "${name}"` } };
  if (!speaks(cm))
    return {
      oip: { served: true, model: name },
      problem: `candidate has no OIP model "${name}" (GET ${path})`,
    };
  const bt = tensors(bm.body);
  const ct = tensors(cm.body);
  if (JSON.stringify(bt) === JSON.stringify(ct)) return { oip: { served: true, model: name, same: true } };
  return {
    oip: { served: true, model: name, same: false, baseline: bt, candidate: ct },
    problem: `OIP metadata of "${name}" differs`,
  };
}

function describeDiff(d: SchemaDiff): string {
  const parts = [
    d.missing.length ? `missing ${d.missing.join(', ')}` : '',
    d.added.length ? `added ${d.added.join(', ')}` : '',
    d.changed.length
      ? `changed ${d.changed.map((c) => `${c.path} ${c.baseline}→${c.candidate}`).join(', ')}`
      : '',
  ].filter(Boolean);
  return `/predict response differs: ${parts.join('; ')}`;
}

const ok = (s: number) => s >= 200 && s < 300;

/**
 * Schema gate: the candidate's successful /predict answers have the same fields and JSON types as
 * the baseline's (every difference — missing, added, changed — fails, with the diff as evidence),
 * and when both speak the Open Inference Protocol the model metadata's inputs and outputs match.
 */
export async function schemaGate(input: SchemaGateInput): Promise<GateResult> {
  const used = input.pairs.slice(0, 50);
  const base = new Map<string, Set<string>>();
  const cand = new Map<string, Set<string>>();
  const okBase = used.filter((p) => ok(p.baseline.status));
  const okCand = used.filter((p) => ok(p.candidate.status));
  for (const p of okBase) shapeOf(p.baseline.body, '', base);
  for (const p of okCand) shapeOf(p.candidate.body, '', cand);
  if (okBase.length === 0)
    return errorResult('schema', 'no successful baseline /predict answer to compare with', {
      pairs: used.length,
    });
  if (okCand.length === 0) {
    const sample = used[0]?.candidate;
    return gateResult(
      'schema',
      'failed',
      `candidate answered none of ${used.length} /predict requests successfully`,
      {
        measured: { candidateOk: 0 },
        threshold: { candidateOk: used.length },
        evidence: { example: sample ? { status: sample.status, body: sample.body } : null },
      },
    );
  }
  const predictDiff = diffShapes(base, cand);
  const { oip, problem: oipProblem } = await compareOip(input);
  const measured = {
    fieldsMissing: predictDiff.missing.length,
    fieldsAdded: predictDiff.added.length,
    typesChanged: predictDiff.changed.length,
  };
  const threshold = { fieldsMissing: 0, fieldsAdded: 0, typesChanged: 0 };
  const evidence = {
    diff: predictDiff,
    baselineFields: Object.fromEntries([...base].map(([k, v]) => [k || '(root)', [...v].join('|')])),
    compared: { baseline: okBase.length, candidate: okCand.length },
    oip,
  };
  const problems = [isEmpty(predictDiff) ? '' : describeDiff(predictDiff), oipProblem ?? ''].filter(Boolean);
  if (problems.length > 0)
    return gateResult('schema', 'failed', problems.join('; '), { measured, threshold, evidence });
  const fields = [...base.keys()].filter(Boolean).join(', ');
  return gateResult(
    'schema',
    'passed',
    `same /predict fields and types (${fields})${oip.served === true ? '; same OIP metadata' : ''}`,
    {
      measured,
      threshold,
      evidence,
    },
  );
}
