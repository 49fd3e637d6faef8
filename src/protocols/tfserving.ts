import { describeValue } from '../errors.js';
import { readPath } from '../spec/json-path.js';
import type { OutputKind, ProtocolName, ServerSpec } from '../spec/types.js';
import { readMapped } from './mapping.js';
import type { MappedParts, Prediction } from './prediction.js';
import { shapePrediction } from './prediction.js';
import { DecodeError, EncodeError, excerpt, type Protocol } from './protocol.js';

/** Keys a named-output row commonly uses (TF estimators: classes/scores; KServe sklearn: predictions). */
const ROW_KEYS: Record<keyof Omit<MappedParts, 'classes'>, string[]> = {
  label: ['label', 'labels', 'class', 'classes', 'class_ids'],
  score: ['score', 'confidence'],
  probabilities: ['probabilities', 'probs', 'scores'],
  value: ['value', 'prediction', 'predictions', 'output'],
};

/** The parts of one answer row: a number, a vector, a string, or an object of named outputs. */
function rowParts(row: unknown, kind: OutputKind): MappedParts {
  if (Array.isArray(row) && !row.every((v) => typeof v === 'number' || Array.isArray(v)))
    return { label: row };
  if (Array.isArray(row)) return kind === 'regression' ? { value: row } : { probabilities: row };
  if (typeof row !== 'object' || row === null) return kind === 'regression' ? { value: row } : { label: row };
  const o = row as Record<string, unknown>;
  const parts: MappedParts = {};
  for (const [part, keys] of Object.entries(ROW_KEYS) as [keyof typeof ROW_KEYS, string[]][]) {
    const key = keys.find((k) => Object.hasOwn(o, k));
    if (key !== undefined) parts[part] = o[key];
  }
  // A single number under "scores" is the label's score, not a vector.
  if (typeof parts.probabilities === 'number' && parts.score === undefined) {
    parts.score = parts.probabilities;
    parts.probabilities = undefined;
  }
  return parts;
}

/**
 * The `:predict` API shared by TF Serving's REST API and KServe's V1 protocol:
 * `POST /v1/models/{name}:predict {"instances": [...]}` → `{"predictions": [...]}` (row format), or
 * `{"inputs": ...}` → `{"outputs": ...}` (TF Serving's columnar format). The input is one instance
 * (a list such as a feature vector is one instance too) or the whole body (`instances` or `inputs`).
 * Each sample is one instance, so its prediction is row 0.
 */
export function v1PredictProtocol(name: ProtocolName, server: ServerSpec): Protocol {
  const method = server.request?.method ?? 'POST';
  const path = server.request?.path ?? `/v1/models/${encodeURIComponent(server.modelName)}:predict`;
  return {
    name,
    method,
    path,
    encode(input) {
      if (input === undefined || input === null)
        throw new EncodeError('an instance or a request body {"instances": [...]}', describeValue(input));
      const o = input as Record<string, unknown>;
      if (typeof input === 'object' && (Array.isArray(o.instances) || o.inputs !== undefined))
        return { method, path, body: input };
      return { method, path, body: { instances: [input] } };
    },
    decode(body, kind): Prediction | DecodeError {
      if (server.response) return readMapped(body, server.response, kind);
      const where = Object.hasOwn(Object(body), 'predictions') ? 'predictions[0]' : 'outputs';
      const r = readPath(body, where);
      if (!r.found) return new DecodeError(where, `matches nothing (no ${r.missing})`, excerpt(body));
      // Columnar outputs of one output are the tensor itself ([[...]]); of several, an object.
      const row = where === 'outputs' && Array.isArray(r.value) ? r.value[0] : r.value;
      const p = shapePrediction(rowParts(row, kind), kind);
      return 'problem' in p
        ? new DecodeError(where, `${p.problem}, found ${excerpt(row ?? null, 60)}`, excerpt(body))
        : p;
    },
  };
}

/** TF Serving's REST predict API (tensorflow.org/tfx/serving/api_rest). */
export const tfservingProtocol = (server: ServerSpec): Protocol => v1PredictProtocol('tfserving', server);
