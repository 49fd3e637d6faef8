import { isFixed, type TensorSpec } from './signature.js';
import type { TensorModel } from './tensor-model.js';

/**
 * `GET /v2/models/{name}` for a generic model (inference_rest.md "Model Metadata Response JSON
 * Object"): its tensor inputs and outputs with OIP datatypes; -1 for a dynamic dimension, and `[-1]`
 * for a value whose graph declares no shape at all (any rank is accepted). The model's ONNX metadata
 * properties and class labels, when it has them, go in `parameters`.
 */
export function tensorMetadata(name: string, version: string, model: TensorModel) {
  const tensor = (t: TensorSpec) => ({
    name: t.name,
    datatype: t.datatype.oip,
    shape: t.shape === undefined ? [-1] : t.shape.map((d) => (isFixed(d) ? d : -1)),
  });
  const parameters: Record<string, unknown> = {};
  if (Object.keys(model.properties).length > 0) parameters.metadata = model.properties;
  if (model.classLabels) parameters.class_labels = model.classLabels;
  return {
    name,
    versions: [version],
    platform: 'onnxruntime_onnx',
    inputs: model.signature.inputs.map(tensor),
    outputs: model.signature.outputs.map(tensor),
    ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
  };
}
