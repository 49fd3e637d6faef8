import { type Field, int, json, list, num, obj, str } from './field.js';
import { DEFAULT_OUTPUT } from './server.js';

// The spec's `server` and `output` sections (fields.ts places them): how greenlight talks to a
// model server it may not have written, and what one prediction is.

const URL_PATH = { source: '^/', means: 'an absolute URL path starting with "/"' };
const PROTOCOLS = ['greenlight', 'oip-v2', 'tfserving', 'kserve-v1', 'http-json'] as const;

const probe = (doc: string) =>
  obj(
    doc,
    {
      path: str('Path to GET, e.g. "/ready".', { pattern: URL_PATH }),
      status: int('Status the answer must have.', { min: 100, max: 599, default: 200 }),
      jsonField: str('A field of the JSON answer that must equal `equals`, e.g. "status" or "model.state".', {
        optional: true,
      }),
      equals: json('The value `jsonField` must have.', { scalar: true, optional: true }),
    },
    { optional: true },
  );

/**
 * How greenlight talks to a model server. No defaults here: what is not written comes from the
 * spec-level section, then from the protocol (resolved in parse.ts, see server.ts).
 */
export const server = (doc: string): Field =>
  obj(
    doc,
    {
      protocol: str('How requests and answers look; default "greenlight".', {
        enum: PROTOCOLS,
        optional: true,
      }),
      modelName: str('OIP v2, TF Serving, KServe v1: the model\'s name in URLs; default "model".', {
        optional: true,
      }),
      health: probe("Alive check; default the protocol's (greenlight /health, OIP /v2/health/live, …)."),
      readiness: probe(
        "Ready-for-traffic check; default the protocol's (greenlight /ready, OIP /v2/health/ready, …).",
      ),
      request: obj(
        'http-json (or an override): where a sample is sent.',
        {
          method: str('HTTP method.', { enum: ['POST', 'PUT'], default: 'POST' }),
          path: str('Path the sample is sent to, e.g. "/v1/predict".', { pattern: URL_PATH }),
          template: json(
            'JSON body with the string "$input" where the sample\'s input goes; absent: the input is the body.',
            {
              optional: true,
            },
          ),
        },
        { optional: true },
      ),
      response: obj(
        'http-json (or an override): where the prediction is in the answer, as paths like "predictions[0].label".',
        {
          label: str('Path to the predicted label.', { optional: true }),
          score: str("Path to the predicted label's probability.", { optional: true }),
          probabilities: str('Path to a vector (or a mapping of class to probability).', { optional: true }),
          classes: list(
            'Names of the vector\'s entries (default "0", "1", …); the label is the argmax.',
            str('class'),
            {
              optional: true,
            },
          ),
          value: str('Path to a regression output (a number).', { optional: true }),
        },
        { optional: true },
      ),
    },
    { optional: true },
  );

export const output = obj(
  'What one prediction is, so the gates compare like with like (the same for both slots).',
  {
    kind: str('label (classification), probabilities (a vector per prediction) or regression (a number).', {
      enum: ['label', 'probabilities', 'regression'],
      default: DEFAULT_OUTPUT.kind,
    }),
    probabilityTolerance: num('probabilities: vectors whose total-variation distance is within this agree.', {
      min: 0,
      max: 1,
      default: DEFAULT_OUTPUT.probabilityTolerance,
    }),
    absTolerance: num('regression: abs(a - b) <= absTolerance + relTolerance x abs(a) agrees.', {
      min: 0,
      default: DEFAULT_OUTPUT.absTolerance,
    }),
    relTolerance: num('regression: the relative part of the tolerance.', {
      min: 0,
      default: DEFAULT_OUTPUT.relTolerance,
    }),
  },
);
