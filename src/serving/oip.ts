import { describeValue } from '../errors.js';
import type { Prediction } from './prediction.js';

/**
 * Open Inference Protocol v2 (KServe, Triton) payloads for a text classifier, after
 * kserve/open-inference-protocol specification/protocol/inference_rest.md. The model takes one
 * input `text` (BYTES, one string per row) and has two outputs, `label` (BYTES) and `score` (FP32).
 */
export const OIP_INPUT = 'text';
export type OipOutputName = 'label' | 'score';
const OUTPUTS: OipOutputName[] = ['label', 'score'];

/** `GET /v2/models/{name}`: the model metadata response. */
export function modelMetadata(name: string, version: string) {
  return {
    name,
    versions: [version],
    platform: 'onnxruntime_onnx',
    inputs: [{ name: OIP_INPUT, datatype: 'BYTES', shape: [-1] }],
    outputs: [
      { name: 'label', datatype: 'BYTES', shape: [-1] },
      { name: 'score', datatype: 'FP32', shape: [-1] },
    ],
  };
}

export interface InferRequest {
  texts: string[];
  id: string | undefined;
  outputs: OipOutputName[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validate an inference request; every error names the tensor or field at fault. */
export function parseInferRequest(body: unknown): InferRequest | { error: string } {
  if (!isObject(body))
    return { error: `inference request must be a JSON object, found ${describeValue(body)}` };
  if (body.id !== undefined && typeof body.id !== 'string') {
    return { error: `"id" must be a string, found ${describeValue(body.id)}` };
  }
  const inputs = body.inputs;
  if (!Array.isArray(inputs) || inputs.length === 0) {
    return { error: `"inputs" must be a non-empty list of tensors, found ${describeValue(inputs)}` };
  }
  if (inputs.length !== 1) {
    return { error: `the model takes exactly one input "${OIP_INPUT}", found ${inputs.length} inputs` };
  }
  const texts = parseTextTensor(inputs[0]);
  if ('error' in texts) return texts;
  const outputs = parseRequestedOutputs(body.outputs);
  if ('error' in outputs) return outputs;
  return { texts: texts.texts, id: body.id, outputs: outputs.outputs };
}

function parseTextTensor(input: unknown): { texts: string[] } | { error: string } {
  if (!isObject(input)) return { error: `inputs[0] must be a tensor object, found ${describeValue(input)}` };
  if (input.name !== OIP_INPUT) {
    return { error: `unknown input ${describeValue(input.name)}: the model takes one input "${OIP_INPUT}"` };
  }
  if (input.datatype !== 'BYTES') {
    return { error: `input "${OIP_INPUT}" must have datatype BYTES, found ${describeValue(input.datatype)}` };
  }
  const shape = input.shape;
  const shapeOk =
    Array.isArray(shape) &&
    (shape.length === 1 || (shape.length === 2 && shape[1] === 1)) &&
    Number.isInteger(shape[0]) &&
    shape[0] > 0;
  if (!shapeOk) {
    return {
      error: `input "${OIP_INPUT}" must have shape [N] or [N, 1] with N ≥ 1, found ${JSON.stringify(shape)}`,
    };
  }
  // The spec allows the data of a tensor in row-major nested form as well as flat.
  const data = Array.isArray(input.data) ? input.data.flat() : input.data;
  if (!Array.isArray(data))
    return { error: `input "${OIP_INPUT}" data must be a list, found ${describeValue(data)}` };
  if (data.length !== shape[0]) {
    return {
      error: `input "${OIP_INPUT}" has shape ${JSON.stringify(shape)} but ${data.length} elements in data`,
    };
  }
  for (let i = 0; i < data.length; i++) {
    if (typeof data[i] !== 'string') {
      return { error: `input "${OIP_INPUT}" data[${i}] must be a string, found ${describeValue(data[i])}` };
    }
  }
  return { texts: data as string[] };
}

function parseRequestedOutputs(requested: unknown): { outputs: OipOutputName[] } | { error: string } {
  if (requested === undefined) return { outputs: OUTPUTS };
  if (!Array.isArray(requested))
    return { error: `"outputs" must be a list, found ${describeValue(requested)}` };
  const outputs: OipOutputName[] = [];
  for (const r of requested) {
    const name = isObject(r) ? r.name : undefined;
    if (name !== 'label' && name !== 'score') {
      return { error: `unknown output ${describeValue(name)}: the model has outputs "label" and "score"` };
    }
    outputs.push(name);
  }
  return { outputs };
}

/** `POST /v2/models/{name}/infer`: the inference response for the requested outputs. */
export function inferResponse(name: string, version: string, req: InferRequest, predictions: Prediction[]) {
  const n = predictions.length;
  return {
    model_name: name,
    model_version: version,
    ...(req.id === undefined ? {} : { id: req.id }),
    outputs: req.outputs.map((output) =>
      output === 'label'
        ? { name: 'label', datatype: 'BYTES', shape: [n], data: predictions.map((p) => p.label) }
        : { name: 'score', datatype: 'FP32', shape: [n], data: predictions.map((p) => p.score) },
    ),
  };
}
