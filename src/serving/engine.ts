import { GreenlightError } from '../errors.js';
import { type Batcher, createBatcher } from './batcher.js';
import type { InferenceContext } from './inference.js';
import type { ServerMetrics } from './metrics.js';
import type { LoadedModel } from './prediction.js';
import { parseTensorRequest, type TensorRequest } from './tensor/infer-request.js';
import type { TensorModel } from './tensor/tensor-model.js';
import { type TensorResult, tensorRunner } from './tensor/tensor-runner.js';
import { warmUpTensor } from './tensor/warmup.js';
import { warmUp } from './warmup.js';

/** What the server runs a model with: the handler's view of it, its batcher, its warm-up. */
export interface Engine {
  context: Pick<InferenceContext, 'batcher' | 'tensor'>;
  batcher: Pick<Batcher<unknown, unknown>, 'flush' | 'idle' | 'stats'>;
  warmUp(count: number): Promise<void>;
}

export interface Batching {
  maxBatchSize: number;
  maxQueueDelayMs: number;
  log: (line: string) => void;
}

export const isTensorModel = (m: LoadedModel | TensorModel): m is TensorModel => 'signature' in m;

/** greenlight's text models: texts are batched, featurized and classified. */
export function textEngine(
  model: LoadedModel,
  batching: Batching,
  metrics: ServerMetrics,
  warmupRequest: unknown,
): Engine {
  if (warmupRequest !== undefined) {
    throw new GreenlightError(
      'GL_WARMUP_REQUEST',
      'a warm-up request is for generic models; a greenlight text model warms up on its own texts',
    );
  }
  const batcher = createBatcher({
    run: (texts: string[]) => model.predict(texts),
    maxBatchSize: batching.maxBatchSize,
    maxQueueDelayMs: batching.maxQueueDelayMs,
    onBatch: metrics.batch,
  });
  return { context: { batcher }, batcher, warmUp: (count) => warmUp(model, count, batching.maxBatchSize) };
}

/**
 * Any other ONNX model: OIP v2 tensors. Requests are merged only when the signature makes that
 * exact (`signature.batchable`); otherwise one request runs at a time. The batch metric counts
 * the rows of each `session.run`.
 */
export function tensorEngine(
  model: TensorModel,
  name: string,
  batching: Batching,
  metrics: ServerMetrics,
  warmupRequest: unknown,
): Engine {
  const sig = model.signature;
  let given: TensorRequest | undefined;
  if (warmupRequest !== undefined) {
    const parsed = parseTensorRequest(warmupRequest, sig);
    if ('error' in parsed)
      throw new GreenlightError(
        'GL_WARMUP_REQUEST',
        `the warm-up request is not valid for this model: ${parsed.error}`,
      );
    given = parsed;
  }
  // Notes only once the model is known to be served: a refused warm-up request is the one line then.
  for (const s of sig.skipped) {
    batching.log(
      `model output "${s.name}" is left out of /v2/models/${name} and of inference answers: it is ${s.why}`,
    );
  }
  if (!sig.batchable) batching.log(`dynamic batching off, one request per run: ${sig.whyNotBatched}`);
  const batcher = createBatcher<TensorRequest, TensorResult>({
    run: tensorRunner(model, metrics.batch),
    maxBatchSize: sig.batchable ? batching.maxBatchSize : 1,
    maxQueueDelayMs: sig.batchable ? batching.maxQueueDelayMs : 0,
  });
  const tensor = { model, batcher };
  return {
    context: { tensor },
    batcher,
    warmUp: (count) => warmUpTensor(tensor, count, batching.maxBatchSize, given, batching.log),
  };
}
