import type { Batcher } from '../batcher.js';
import { parseTensorRequest, type TensorRequest } from './infer-request.js';
import { tensorResponse } from './infer-response.js';
import type { TensorModel } from './tensor-model.js';
import type { TensorResult } from './tensor-runner.js';

/** A generic model being served: the model and the batcher in front of it. */
export interface TensorServing {
  model: TensorModel;
  batcher: Batcher<TensorRequest, TensorResult>;
}

/** What the inference path answers: a JSON body to stringify, or JSON text already written. */
export type TensorOutcome =
  | { status: 200; text: string }
  | { status: 400 | 500; body: { error: string }; error: 'bad_request' | 'inference' };

/** OIP v2 inference on a generic model: check the request against the signature, batch, answer. */
export async function inferTensor(
  value: unknown,
  serving: TensorServing,
  name: string,
  version: string,
): Promise<TensorOutcome> {
  const req = parseTensorRequest(value, serving.model.signature);
  if ('error' in req) return { status: 400, body: { error: req.error }, error: 'bad_request' };
  let result: TensorResult;
  try {
    [result] = await serving.batcher.submit([req]);
  } catch (err) {
    result = err as Error;
  }
  if (result instanceof Error) {
    const why = result.message.split('\n')[0];
    return { status: 500, body: { error: `inference failed: ${why}` }, error: 'inference' };
  }
  return { status: 200, text: tensorResponse(name, version, req.id, req.outputs, result) };
}
