import { GreenlightError } from '../errors.js';
import type { OutputKind, ProtocolName, ResponseMapping } from '../spec/types.js';
import type { Prediction } from './prediction.js';

/** One request to a model server, ready to send. */
export interface EncodedRequest {
  method: 'POST' | 'PUT';
  path: string;
  body: unknown;
}

/** How greenlight talks to one kind of model server: send a sample, read the prediction back. */
export interface Protocol {
  name: ProtocolName;
  /** Where predictions are requested (a router shadow pair elsewhere is not a prediction). */
  method: 'POST' | 'PUT';
  path: string;
  /** The sample's `input` as a request; throws EncodeError when the input cannot be sent. */
  encode(input: unknown): EncodedRequest;
  /** The prediction in a 2xx answer's parsed body, or a DecodeError naming what did not match. */
  decode(body: unknown, kind: OutputKind): Prediction | DecodeError;
}

/** A sample whose input this protocol cannot send. */
export class EncodeError extends GreenlightError {
  constructor(
    readonly expected: string,
    readonly found: string,
  ) {
    super('GL_SAMPLE_ENCODING', `input: expected ${expected}, found ${found}`);
    this.name = 'EncodeError';
  }
}

/** An answer in which the response mapping found no prediction. */
export class DecodeError extends GreenlightError {
  constructor(
    readonly path: string,
    readonly why: string,
    readonly excerpt: string,
  ) {
    super('GL_RESPONSE_MAPPING', `response mapping ${path}: ${why}; the response was ${excerpt}`);
    this.name = 'DecodeError';
  }
}

/** The first `n` characters of a body, for error messages and evidence. */
export function excerpt(body: unknown, n = 200): string {
  const text = typeof body === 'string' ? body : (JSON.stringify(body) ?? String(body));
  return text.length > n ? `${text.slice(0, n)}…` : text;
}

/** The mapping fields in order, for messages: `label "predictions[0].label"`. */
export function describeMapping(m: ResponseMapping): string {
  return (['label', 'score', 'probabilities', 'value'] as const)
    .filter((k) => m[k] !== undefined)
    .map((k) => `${k} ${JSON.stringify(m[k])}`)
    .join(', ');
}
