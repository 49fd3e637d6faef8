import type { ServerSpec } from '../spec/types.js';
import { readMapped } from './mapping.js';
import { DecodeError, excerpt, type Protocol } from './protocol.js';

/** The marker in a request template that the sample's input replaces. */
export const INPUT_MARKER = '$input';

/** A copy of `template` with every string equal to "$input" replaced by `input`. */
export function fillTemplate(template: unknown, input: unknown): unknown {
  if (template === INPUT_MARKER) return input;
  if (Array.isArray(template)) return template.map((t) => fillTemplate(t, input));
  if (typeof template === 'object' && template !== null)
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillTemplate(v, input)]));
  return template;
}

/**
 * Any JSON-over-HTTP server: the request is the server section's template with "$input" replaced
 * by the sample's input (no template: the input is the body), sent to `request.path`; the
 * prediction is where `response` (JSON paths) says.
 */
export function httpJsonProtocol(server: ServerSpec): Protocol {
  const method = server.request?.method ?? 'POST';
  const path = server.request?.path ?? '/predict';
  const template = server.request?.template;
  return {
    name: 'http-json',
    method,
    path,
    encode: (input) => ({
      method,
      path,
      body: template === undefined ? input : fillTemplate(template, input),
    }),
    decode: (body, kind) =>
      server.response
        ? readMapped(body, server.response, kind)
        : new DecodeError(
            '(none)',
            'protocol http-json needs a response mapping (server.response)',
            excerpt(body),
          ),
  };
}
