import type { Datatype } from './datatypes.js';
import type { Feed, Feeds } from './feeds.js';
import type { TensorSpec } from './signature.js';

/**
 * The OIP v2 inference response (inference_rest.md "Inference Response JSON Object") as JSON
 * text. Written by hand rather than with JSON.stringify: 64-bit integers must keep every digit
 * (a BigInt has no JSON form, and a Number rounds past 2^53), and joining a typed array is far
 * cheaper than stringifying a boxed copy of it.
 */
export function tensorResponse(
  modelName: string,
  modelVersion: string,
  id: string | undefined,
  outputs: TensorSpec[],
  values: Feeds,
): string {
  let out = `{"model_name":${JSON.stringify(modelName)},"model_version":${JSON.stringify(modelVersion)}`;
  if (id !== undefined) out += `,"id":${JSON.stringify(id)}`;
  out += ',"outputs":[';
  for (let k = 0; k < outputs.length; k++) {
    const spec = outputs[k];
    const value = values[spec.name];
    if (k > 0) out += ',';
    out += `{"name":${JSON.stringify(spec.name)},"datatype":"${spec.datatype.oip}","shape":[${value.dims.join(',')}],"data":[${dataText(spec.datatype, value)}]}`;
  }
  return `${out}]}`;
}

const JOINABLE = new Set([
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP32',
  'FP64',
]);

function dataText(type: Datatype, value: Feed): string {
  const data = value.data;
  if (type.oip === 'BYTES') return JSON.stringify(data).slice(1, -1);
  if (JOINABLE.has(type.oip)) {
    // Integers and finite floats print as JSON numbers; NaN and Infinity (no JSON form) need the slow path.
    const text = Array.prototype.join.call(data, ',');
    if (!/[NI]/.test(text)) return text;
  }
  const parts = new Array<string>(data.length);
  for (let i = 0; i < data.length; i++) parts[i] = type.text(data, i);
  return parts.join(',');
}
