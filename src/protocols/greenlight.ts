import { describeValue } from '../errors.js';
import type { OutputKind, ResponseMapping, ServerSpec } from '../spec/types.js';
import { readMapped } from './mapping.js';
import { EncodeError, type Protocol } from './protocol.js';

/** Where greenlight's own server puts each kind of output (DESIGN.md: `{"label", "score"}`). */
const DEFAULT_MAPPING: Record<OutputKind, ResponseMapping> = {
  label: { label: 'label', score: 'score' },
  probabilities: { probabilities: 'probabilities' },
  regression: { value: 'value' },
};

/**
 * greenlight's own model server: `POST /predict {"text"}` → `{"label", "score", "model_version"}`.
 * The input is the text itself or the whole /predict body.
 */
export function greenlightProtocol(server: ServerSpec): Protocol {
  const method = server.request?.method ?? 'POST';
  const path = server.request?.path ?? '/predict';
  return {
    name: 'greenlight',
    method,
    path,
    encode(input) {
      if (typeof input === 'string' && input !== '') return { method, path, body: { text: input } };
      const text = (input as { text?: unknown } | null)?.text;
      if (typeof input === 'object' && !Array.isArray(input) && typeof text === 'string' && text !== '')
        return { method, path, body: input };
      throw new EncodeError('a text or a /predict body {"text": "…"}', describeValue(input));
    },
    decode: (body, kind) => readMapped(body, server.response ?? DEFAULT_MAPPING[kind], kind),
  };
}
