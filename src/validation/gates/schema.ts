import { protocolFor } from '../../protocols/registry.js';
import { protocolDefaults } from '../../spec/server.js';
import type { ServerSpec } from '../../spec/types.js';
import { describeNetworkError, type HttpClient, joinUrl } from '../http.js';
import { parseBody } from '../pairs/capture.js';
import type { CapturedResponse, ComparisonPair, GateResult } from '../types.js';
import { describeTensorDiff, diffOipMetadata } from './oip-metadata.js';
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
  /** Each side's server section (default greenlight's protocol): which structure is compared. */
  baselineServer?: ServerSpec;
  candidateServer?: ServerSpec;
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

type Fetched = Awaited<ReturnType<typeof getJson>>;
const speaks = (r: Fetched): r is { status: number; body: unknown } => 'status' in r && r.status === 200;

/** Compare two models' OIP metadata (names, datatypes, shapes of inputs and outputs). */
async function compareMetadata(
  input: SchemaGateInput,
  names: { baseline: string; candidate: string },
): Promise<{ oip: Record<string, unknown>; problem?: string }> {
  const path = (n: string) => `/v2/models/${encodeURIComponent(n)}`;
  const [bm, cm] = await Promise.all([
    getJson(input.client, joinUrl(input.baseline, path(names.baseline))),
    getJson(input.client, joinUrl(input.candidate, path(names.candidate))),
  ]);
  const model =
    names.baseline === names.candidate ? names.baseline : `${names.baseline} → ${names.candidate}`;
  if (!speaks(bm)) return { oip: { served: true, model, note: `baseline has no model "${names.baseline}"` } };
  if (!speaks(cm))
    return {
      oip: { served: true, model },
      problem: `candidate has no OIP model "${names.candidate}" (GET ${path(names.candidate)})`,
    };
  const diff = diffOipMetadata(bm.body, cm.body);
  if (diff.length === 0) return { oip: { served: true, model, same: true } };
  return {
    oip: { served: true, model, same: false, diff },
    problem: `OIP metadata of "${model}" differs: ${diff.map(describeTensorDiff).join(', ')}`,
  };
}

/**
 * OIP metadata: both sides speak OIP v2 → their models' metadata must match. Otherwise (e.g. both
 * greenlight's protocol) compared when either side serves `/v2` (greenlight's server does).
 */
async function compareOip(
  input: SchemaGateInput,
  b: ServerSpec,
  c: ServerSpec,
): Promise<{ oip: Record<string, unknown>; problem?: string }> {
  if (b.protocol === 'oip-v2' && c.protocol === 'oip-v2')
    return compareMetadata(input, { baseline: b.modelName, candidate: c.modelName });
  if (b.protocol !== c.protocol)
    return { oip: { served: false, note: `protocols differ (${b.protocol} → ${c.protocol})` } };
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
  const name = input.oipModelName ?? b.modelName;
  return compareMetadata(input, { baseline: name, candidate: input.oipModelName ?? c.modelName });
}

function describeDiff(d: SchemaDiff, path: string): string {
  const parts = [
    d.missing.length ? `missing ${d.missing.join(', ')}` : '',
    d.added.length ? `added ${d.added.join(', ')}` : '',
    d.changed.length
      ? `changed ${d.changed.map((c) => `${c.path} ${c.baseline}→${c.candidate}`).join(', ')}`
      : '',
  ].filter(Boolean);
  return `${path} response differs: ${parts.join('; ')}`;
}

const ok = (s: number) => s >= 200 && s < 300;

/**
 * Schema gate: the candidate's successful answers have the same fields and JSON types as the
 * baseline's (every difference — missing, added, changed — fails, with the diff as evidence); when
 * the two sides speak different protocols, their decoded predictions are compared instead (their
 * answers cannot share a shape). When both speak the Open Inference Protocol the models' metadata
 * (input/output names, datatypes, shapes) must match, the tensor diff being the evidence.
 */
export async function schemaGate(input: SchemaGateInput): Promise<GateResult> {
  const bs = input.baselineServer ?? protocolDefaults('greenlight');
  const cs = input.candidateServer ?? protocolDefaults('greenlight');
  const same = bs.protocol === cs.protocol;
  const what = same ? protocolFor(bs).path : 'prediction';
  const view = (r: CapturedResponse) => (same ? r.body : (r.prediction ?? r.body));
  const used = input.pairs.slice(0, 50);
  const base = new Map<string, Set<string>>();
  const cand = new Map<string, Set<string>>();
  const okBase = used.filter((p) => ok(p.baseline.status));
  const okCand = used.filter((p) => ok(p.candidate.status));
  for (const p of okBase) shapeOf(view(p.baseline), '', base);
  for (const p of okCand) shapeOf(view(p.candidate), '', cand);
  if (okBase.length === 0)
    return errorResult('schema', `no successful baseline ${what} answer to compare with`, {
      pairs: used.length,
    });
  if (okCand.length === 0) {
    const sample = used[0]?.candidate;
    return gateResult(
      'schema',
      'failed',
      `candidate answered none of ${used.length} ${what} requests successfully`,
      {
        measured: { candidateOk: 0 },
        threshold: { candidateOk: used.length },
        evidence: { example: sample ? { status: sample.status, body: sample.body } : null },
      },
    );
  }
  const predictDiff = diffShapes(base, cand);
  const { oip, problem: oipProblem } = await compareOip(input, bs, cs);
  const measured = {
    fieldsMissing: predictDiff.missing.length,
    fieldsAdded: predictDiff.added.length,
    typesChanged: predictDiff.changed.length,
  };
  const threshold = { fieldsMissing: 0, fieldsAdded: 0, typesChanged: 0 };
  const evidence = {
    compares: same ? `${bs.protocol} ${what} answers` : `predictions (${bs.protocol} → ${cs.protocol})`,
    diff: predictDiff,
    baselineFields: Object.fromEntries([...base].map(([k, v]) => [k || '(root)', [...v].join('|')])),
    compared: { baseline: okBase.length, candidate: okCand.length },
    oip,
  };
  const problems = [isEmpty(predictDiff) ? '' : describeDiff(predictDiff, what), oipProblem ?? ''].filter(
    Boolean,
  );
  if (problems.length > 0)
    return gateResult('schema', 'failed', problems.join('; '), { measured, threshold, evidence });
  const fields = [...base.keys()].filter(Boolean).join(', ');
  return gateResult(
    'schema',
    'passed',
    `same ${what} fields and types (${fields})${oip.served === true ? '; same OIP metadata' : ''}`,
    {
      measured,
      threshold,
      evidence,
    },
  );
}
