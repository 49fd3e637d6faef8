import { describeValue } from '../errors.js';

/** The texts of a `POST /predict` body and which response form it asked for. */
export type PredictRequest = { texts: string[]; batch: boolean } | { error: string };

/**
 * Validate a `POST /predict` body: `{"text": "..."}` or `{"instances": [{"text": "..."}, …]}`.
 * Returns the texts, or an error naming the field, what was expected and what was found.
 */
export function parsePredictRequest(body: unknown): PredictRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      error: `request body must be a JSON object with "text" or "instances", found ${describeValue(body)}`,
    };
  }
  const { text, instances } = body as { text?: unknown; instances?: unknown };
  if (instances === undefined) {
    if (typeof text === 'string') return { texts: [text], batch: false };
    if (text === undefined) return { error: 'missing "text": expected a string (or "instances": a list)' };
    return { error: `"text" must be a string, found ${describeValue(text)}` };
  }
  if (text !== undefined) return { error: 'give either "text" or "instances", not both' };
  if (!Array.isArray(instances) || instances.length === 0) {
    return {
      error: `"instances" must be a non-empty list of {"text": string}, found ${describeValue(instances)}`,
    };
  }
  const texts = new Array<string>(instances.length);
  for (let i = 0; i < instances.length; i++) {
    const item = instances[i] as { text?: unknown } | null;
    const t = typeof item === 'object' && item !== null ? item.text : undefined;
    if (typeof t !== 'string') {
      return { error: `instances[${i}].text must be a string, found ${describeValue(t)}` };
    }
    texts[i] = t;
  }
  return { texts, batch: true };
}
