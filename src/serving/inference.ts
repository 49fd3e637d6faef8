import type { Batcher } from './batcher.js';
import { parseJsonBody } from './body.js';
import type { HttpRequest } from './http/request.js';
import type { Lifecycle } from './lifecycle.js';
import type { ErrorType, InferenceEndpoint, ServerMetrics } from './metrics.js';
import { inferResponse, parseInferRequest } from './oip.js';
import { parsePredictRequest } from './predict-request.js';
import type { Prediction } from './prediction.js';
import { sendJson } from './respond.js';
import { inferTensor, type TensorServing } from './tensor/infer.js';

export interface InferenceContext {
  name: string;
  version: string;
  lifecycle: Lifecycle;
  bodyLimit: number;
  metrics: ServerMetrics;
  /** greenlight's text models: `/predict` and the OIP `text` tensor. */
  batcher?: Batcher<string, Prediction>;
  /** Any other ONNX model: OIP v2 tensors as the model declares them. */
  tensor?: TensorServing;
}

/** An answer: a body to stringify, or (`text`) JSON already written. */
type Outcome = { status: number; body?: unknown; text?: string; error?: ErrorType };

/**
 * The inference request path, kept short (STYLE.md §8): read and parse the body once, validate,
 * submit the texts to the dynamic batcher, answer. Metrics are recorded here and nowhere else.
 */
export async function handleInference(
  req: HttpRequest,
  ctx: InferenceContext,
  endpoint: InferenceEndpoint,
): Promise<void> {
  const start = performance.now();
  const { metrics } = ctx;
  metrics.begin(endpoint);
  try {
    const body = parseJsonBody(req.body, ctx.bodyLimit);
    const outcome: Outcome = body.ok
      ? await route(endpoint, body.value, ctx)
      : {
          status: body.status,
          body: { error: body.error },
          error: body.status === 413 ? 'too_large' : 'bad_request',
        };
    if (outcome.error) metrics.error(outcome.error);
    if (outcome.text !== undefined) req.respond(outcome.status, 'application/json', outcome.text);
    else sendJson(req, outcome.status, outcome.body);
    if (outcome.status === 200) metrics.latency((performance.now() - start) / 1000);
  } catch (err) {
    metrics.error('internal');
    sendJson(req, 500, { error: `internal error: ${(err as Error).message}` }); // ignored if already answered
  } finally {
    metrics.end();
  }
}

function route(endpoint: InferenceEndpoint, value: unknown, ctx: InferenceContext): Promise<Outcome> {
  if (ctx.tensor) return inferTensor(value, ctx.tensor, ctx.name, ctx.version); // the handler sends /predict elsewhere
  return endpoint === 'predict' ? predict(value, ctx) : infer(value, ctx);
}

async function run(texts: string[], ctx: InferenceContext): Promise<Prediction[] | Outcome> {
  try {
    const predictions = await ctx.batcher!.submit(texts);
    for (const p of predictions) ctx.metrics.score(p.label, p.score);
    return predictions;
  } catch (err) {
    return {
      status: 500,
      body: { error: `inference failed: ${(err as Error).message}` },
      error: 'inference',
    };
  }
}

async function predict(value: unknown, ctx: InferenceContext): Promise<Outcome> {
  const parsed = parsePredictRequest(value);
  if ('error' in parsed) return { status: 400, body: { error: parsed.error }, error: 'bad_request' };
  const predictions = await run(parsed.texts, ctx);
  if (!Array.isArray(predictions)) return predictions;
  const body = parsed.batch
    ? { predictions, model_version: ctx.version }
    : { label: predictions[0].label, score: predictions[0].score, model_version: ctx.version };
  return { status: 200, body };
}

async function infer(value: unknown, ctx: InferenceContext): Promise<Outcome> {
  const parsed = parseInferRequest(value);
  if ('error' in parsed) return { status: 400, body: { error: parsed.error }, error: 'bad_request' };
  const predictions = await run(parsed.texts, ctx);
  if (!Array.isArray(predictions)) return predictions;
  return { status: 200, body: inferResponse(ctx.name, ctx.version, parsed, predictions) };
}
