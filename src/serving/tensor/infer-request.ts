import { describeValue } from '../../errors.js';
import { datatypeOf } from './datatypes.js';
import { elementCount, type Feeds } from './feeds.js';
import { isFixed, type ModelSignature, type TensorSpec } from './signature.js';

/** A checked OIP v2 inference request for a generic ONNX model. */
export interface TensorRequest {
  id: string | undefined;
  feeds: Feeds;
  /** The outputs to answer with, in the order asked for (all tensor outputs by default). */
  outputs: TensorSpec[];
  /** Size of the batch dimension (the first one) when the model is batchable, else 1. */
  rows: number;
  /** Requests with the same key have equal shapes beyond the batch dimension and can be merged. */
  key: string;
}

type Failure = { error: string };
const fail = (error: string): Failure => ({ error });
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Check an OIP v2 inference request body (inference_rest.md "Inference Request JSON Object")
 * against the model's signature and turn it into ONNX Runtime tensors. Every error names the
 * input or field at fault and what was expected; nothing is coerced (no 300 into INT8, no
 * rounded int64, no string for a number).
 */
export function parseTensorRequest(body: unknown, sig: ModelSignature): TensorRequest | Failure {
  if (!isObject(body)) return fail(`inference request must be a JSON object, found ${describeValue(body)}`);
  if (body.id !== undefined && typeof body.id !== 'string')
    return fail(`"id" must be a string, found ${describeValue(body.id)}`);
  const params = checkParameters(body.parameters, '"parameters"', 'binary_data_output');
  if (params) return fail(params);
  if (!Array.isArray(body.inputs) || body.inputs.length === 0) {
    return fail(`"inputs" must be a non-empty list of tensors, found ${describeValue(body.inputs)}`);
  }
  const feeds: Feeds = {};
  const sizes = new Map<string, { size: number; where: string }>(); // symbolic dimension → size seen
  for (let k = 0; k < body.inputs.length; k++) {
    const problem = readInput(body.inputs[k], k, sig, feeds, sizes);
    if (problem) return fail(problem);
  }
  const absent = sig.inputs.filter((s) => feeds[s.name] === undefined).map((s) => `"${s.name}"`);
  if (absent.length > 0)
    return fail(`missing input ${absent.join(', ')}: the model takes ${names(sig.inputs)}`);
  const outputs = readOutputs(body.outputs, sig);
  if ('error' in outputs) return outputs;
  const first = sig.inputs[0];
  return {
    id: body.id,
    feeds,
    outputs: outputs.outputs,
    rows: sig.batchable ? feeds[first.name].dims[0] : 1,
    key: sig.batchable ? sig.inputs.map((s) => feeds[s.name].dims.slice(1).join('x')).join(';') : '',
  };
}

const names = (specs: TensorSpec[]) => specs.map((s) => `"${s.name}"`).join(', ');
const shapeText = (shape: readonly (number | string)[]) =>
  `[${shape.map((d) => (isFixed(d) ? d : d === '' ? '-1' : d)).join(', ')}]`;

function readInput(
  input: unknown,
  k: number,
  sig: ModelSignature,
  feeds: Feeds,
  sizes: Map<string, { size: number; where: string }>,
): string | undefined {
  if (!isObject(input)) return `inputs[${k}] must be a tensor object, found ${describeValue(input)}`;
  const spec = sig.inputs.find((s) => s.name === input.name);
  if (spec === undefined)
    return `unknown input ${describeValue(input.name)}: the model takes ${names(sig.inputs)}`;
  const what = `input "${spec.name}"`;
  if (feeds[spec.name] !== undefined) return `${what} is given twice`;
  if (datatypeOf(input.datatype) !== spec.datatype) {
    return `${what} must have datatype ${spec.datatype.oip}, found ${describeValue(input.datatype)}`;
  }
  const params = checkParameters(input.parameters, `${what} parameters`, 'binary_data_size');
  if (params) return params;
  const shape = input.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    return `${what} shape must be a list of non-negative integers, found ${JSON.stringify(shape)}`;
  }
  const dims = shape as number[];
  const shapeProblem = checkShape(dims, spec, what, sizes);
  if (shapeProblem) return shapeProblem;
  const data = flatten(input.data);
  if (data === undefined) return `${what} data must be a list, found ${describeValue(input.data)}`;
  const count = elementCount(dims);
  if (data.length !== count) {
    return `${what} has shape ${JSON.stringify(dims)} (${count} elements) but ${data.length} elements in data`;
  }
  const type = spec.datatype;
  const values = type.alloc(count);
  const bad = type.fill(values, data);
  if (bad !== -1) {
    return `${what} data[${bad}] must be ${type.expected} (${type.oip}), found ${describeValue(data[bad])}`;
  }
  feeds[spec.name] = { type: type.ort, data: values, dims };
  return undefined;
}

/** Rank and fixed sizes as declared; a symbolic size must be the same wherever its name appears. */
function checkShape(
  dims: number[],
  spec: TensorSpec,
  what: string,
  sizes: Map<string, { size: number; where: string }>,
): string | undefined {
  if (spec.shape === undefined) return undefined;
  const expected = `shape ${shapeText(spec.shape)}`;
  if (dims.length !== spec.shape.length)
    return `${what} must have ${expected}, found ${JSON.stringify(dims)}`;
  for (let j = 0; j < dims.length; j++) {
    const d = spec.shape[j];
    if (isFixed(d)) {
      if (dims[j] !== d) return `${what} must have ${expected}, found ${JSON.stringify(dims)}`;
    } else if (d !== '') {
      const seen = sizes.get(d);
      if (seen === undefined) sizes.set(d, { size: dims[j], where: what });
      else if (seen.size !== dims[j]) {
        return `${what} has ${d} = ${dims[j]} (dimension ${j}) but ${seen.where} has ${d} = ${seen.size}`;
      }
    }
  }
  return undefined;
}

/**
 * The spec allows a tensor's data flat or nested row-major; both become one flat list. Only the
 * first element is looked at: in a flat list a stray nested one is then refused as a non-element.
 */
function flatten(data: unknown): unknown[] | undefined {
  if (!Array.isArray(data)) return undefined;
  return Array.isArray(data[0]) ? data.flat(Number.POSITIVE_INFINITY) : data;
}

/** `parameters` must be an object; the binary tensor extension (Triton's) is not served here. */
function checkParameters(p: unknown, what: string, binaryKey: string): string | undefined {
  if (p === undefined) return undefined;
  if (!isObject(p)) return `${what} must be an object, found ${describeValue(p)}`;
  if (p[binaryKey] !== undefined && p[binaryKey] !== false) {
    return `${what}: ${binaryKey} asks for the binary tensor extension, which this server does not support; send JSON data`;
  }
  return undefined;
}

function readOutputs(requested: unknown, sig: ModelSignature): { outputs: TensorSpec[] } | Failure {
  if (requested === undefined) return { outputs: sig.outputs };
  if (!Array.isArray(requested) || requested.length === 0) {
    return fail(
      `"outputs" must be a non-empty list of {"name"} (or left out for all), found ${describeValue(requested)}`,
    );
  }
  const outputs: TensorSpec[] = [];
  for (let k = 0; k < requested.length; k++) {
    const r = requested[k];
    if (!isObject(r)) return fail(`outputs[${k}] must be an object with "name", found ${describeValue(r)}`);
    const spec = sig.outputs.find((s) => s.name === r.name);
    if (spec === undefined) {
      const skipped = sig.skipped.find((s) => s.name === r.name);
      if (skipped) return fail(`output "${skipped.name}" is not served: ${skipped.why}`);
      return fail(`unknown output ${describeValue(r.name)}: the model has outputs ${names(sig.outputs)}`);
    }
    if (outputs.includes(spec)) return fail(`output "${spec.name}" is requested twice`);
    const params = checkParameters(r.parameters, `output "${spec.name}" parameters`, 'binary_data');
    if (params) return fail(params);
    outputs.push(spec);
  }
  return { outputs };
}
