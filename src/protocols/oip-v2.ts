import { describeValue } from '../errors.js';
import type { OutputKind, ResponseMapping, ServerSpec } from '../spec/types.js';
import { readMapped } from './mapping.js';
import { type Prediction, shapePrediction } from './prediction.js';
import { DecodeError, EncodeError, excerpt, type Protocol } from './protocol.js';

/** One output tensor of an OIP v2 inference response. */
interface Tensor {
  name: string;
  datatype: string;
  data: unknown[];
}

const flat = (v: unknown): unknown[] => (Array.isArray(v) ? v.flat(Number.POSITIVE_INFINITY) : [v]);
const isFloat = (t: Tensor) => /^(FP|BF)/.test(t.datatype);
const isInt = (t: Tensor) => /^(U?INT|BOOL)/.test(t.datatype);

function outputTensors(body: unknown): Tensor[] | undefined {
  const outputs = (body as { outputs?: unknown } | null)?.outputs;
  if (!Array.isArray(outputs)) return undefined;
  return outputs
    .filter((o): o is { name: string; datatype?: unknown; data?: unknown } => typeof o?.name === 'string')
    .map((o) => ({ name: o.name, datatype: String(o.datatype ?? ''), data: flat(o.data) }));
}

const byName = (ts: Tensor[], names: string[]) =>
  names.map((n) => ts.find((t) => t.name === n)).find(Boolean);

/**
 * The prediction without a mapping, from the output tensors' types: a BYTES output is the label
 * (greenlight's text models: `label` + `score`), a float output of several values the probability
 * vector (argmax = label), an integer output of one value a class id, a float of one value the
 * score (label kind) or the value (regression). Preferred names break ties.
 */
function defaultParts(ts: Tensor[], kind: OutputKind) {
  const vectors = ts.filter((t) => isFloat(t) && t.data.length > 1);
  const scalars = ts.filter((t) => (isFloat(t) || isInt(t)) && t.data.length === 1);
  const probs = byName(vectors, ['probabilities', 'output_probability', 'probs', 'scores']) ?? vectors[0];
  if (kind === 'regression')
    return { value: (byName(scalars, ['value', 'predictions', 'variable']) ?? scalars[0])?.data };
  if (kind === 'probabilities') return { probabilities: probs?.data };
  const bytes = ts.filter((t) => t.datatype === 'BYTES');
  const label =
    byName(bytes, ['label', 'output_label']) ??
    bytes[0] ??
    byName(scalars.filter(isInt), ['label', 'output_label']) ??
    scalars.find(isInt);
  if (label) return { label: label.data, score: byName(scalars.filter(isFloat), ['score'])?.data };
  return { probabilities: probs?.data };
}

/** A mapping value that names an output tensor reads that tensor's data; anything else is a JSON path. */
function tensorMapping(
  ts: Tensor[],
  m: ResponseMapping,
  body: unknown,
  kind: OutputKind,
): Prediction | DecodeError {
  const named = (path?: string) => (path === undefined ? undefined : ts.find((t) => t.name === path));
  const fields = ['label', 'score', 'probabilities', 'value'] as const;
  if (!fields.some((f) => named(m[f]))) return readMapped(body, m, kind);
  const parts: Record<string, unknown> = { classes: m.classes };
  for (const f of fields) {
    if (m[f] === undefined) continue;
    const t = named(m[f]);
    if (!t) {
      const names = ts.map((x) => x.name).join(', ');
      return new DecodeError(
        `${f} ${JSON.stringify(m[f])}`,
        `matches no output tensor (outputs: ${names})`,
        excerpt(body),
      );
    }
    parts[f] = t.data;
  }
  const p = shapePrediction(parts, kind);
  return 'problem' in p ? new DecodeError(fields.join('/'), p.problem, excerpt(body)) : p;
}

/**
 * The Open Inference Protocol v2 (KServe, MLServer, Triton; kserve/open-inference-protocol
 * inference_rest.md): `POST /v2/models/{name}/infer {"inputs": [tensors]}` → `{"outputs": [tensors]}`.
 * The sample's input is the `inputs` list or the whole request; `{"text": "…"}` is one BYTES
 * input `text` (greenlight's text models). The response mapping may name output tensors.
 */
export function oipV2Protocol(server: ServerSpec): Protocol {
  const method = server.request?.method ?? 'POST';
  const path = server.request?.path ?? `/v2/models/${encodeURIComponent(server.modelName)}/infer`;
  return {
    name: 'oip-v2',
    method,
    path,
    encode(input) {
      const tensors =
        Array.isArray(input) && input.length > 0 && input.every((t) => typeof t?.name === 'string');
      if (tensors) return { method, path, body: { inputs: input } };
      const o = input as Record<string, unknown> | null;
      if (typeof o === 'object' && o !== null && Array.isArray(o.inputs))
        return { method, path, body: input };
      const keys = typeof o === 'object' && o !== null ? Object.keys(o) : [];
      if (keys.length === 1 && typeof o?.text === 'string')
        return {
          method,
          path,
          body: { inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], data: [o.text] }] },
        };
      throw new EncodeError(
        'an OIP "inputs" list, a request body {"inputs": [...]} or {"text": "…"}',
        describeValue(input),
      );
    },
    decode(body, kind) {
      const ts = outputTensors(body);
      if (server.response)
        return ts ? tensorMapping(ts, server.response, body, kind) : readMapped(body, server.response, kind);
      if (!ts) return new DecodeError('outputs', 'matches nothing (no outputs list)', excerpt(body));
      const p = shapePrediction(defaultParts(ts, kind), kind);
      if (!('problem' in p)) return p;
      const found = ts.map((t) => `${t.name} ${t.datatype}×${t.data.length}`).join(', ') || 'none';
      return new DecodeError('outputs', `${p.problem} (output tensors: ${found})`, excerpt(body));
    },
  };
}
