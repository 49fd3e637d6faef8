import onnxProto from 'onnx-proto';
import type { FeatureConfig } from './features.js';

const { onnx } = onnxProto;

/** A fully connected layer: y = x·W + b, optionally followed by ReLU. W is row-major [inDim, outDim]. */
export interface DenseLayer {
  inDim: number;
  outDim: number;
  weights: Float32Array;
  bias: Float32Array;
  relu: boolean;
}

/** Everything an exported model file carries. */
export interface ExportSpec {
  layers: DenseLayer[];
  features: FeatureConfig;
  labels: string[];
  version: string;
  docString: string;
}

export const INPUT_NAME = 'features';
export const OUTPUT_NAME = 'probabilities';
/** Opset 13: Softmax's default axis is -1 there, and onnxruntime-node 1.30 supports it fully. */
export const OPSET = 13;
const IR_VERSION = 7;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

function floatTensor(name: string, dims: number[], data: Float32Array): onnxProto.onnx.ITensorProto {
  // raw_data is little-endian by the ONNX spec; Float32Array is host-endian, and every platform
  // onnxruntime-node ships for is little-endian.
  return {
    name,
    dims,
    dataType: FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

function valueInfo(name: string, dims: Array<number | string>): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/**
 * Encode a stack of dense layers as an ONNX model: `features` [N, dim] → Gemm (+Relu) … → Softmax →
 * `probabilities` [N, labels]. Field order is fixed, so the same spec always gives the same bytes.
 */
export function encodeModel(spec: ExportSpec): Uint8Array {
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const initializers: onnxProto.onnx.ITensorProto[] = [];
  let current = INPUT_NAME;
  spec.layers.forEach((layer, i) => {
    if (layer.weights.length !== layer.inDim * layer.outDim || layer.bias.length !== layer.outDim) {
      throw new Error(`layer ${i}: weights/bias do not match ${layer.inDim}×${layer.outDim}`);
    }
    initializers.push(floatTensor(`W${i}`, [layer.inDim, layer.outDim], layer.weights));
    initializers.push(floatTensor(`b${i}`, [layer.outDim], layer.bias));
    const out = `h${i}`;
    nodes.push({ name: `dense${i}`, opType: 'Gemm', input: [current, `W${i}`, `b${i}`], output: [out] });
    current = out;
    if (layer.relu) {
      nodes.push({ name: `relu${i}`, opType: 'Relu', input: [current], output: [`${out}_relu`] });
      current = `${out}_relu`;
    }
  });
  nodes.push({
    name: 'softmax',
    opType: 'Softmax',
    input: [current],
    output: [OUTPUT_NAME],
    attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
  });
  const model: onnxProto.onnx.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'greenlight',
    producerVersion: '1',
    docString: spec.docString,
    graph: {
      name: 'spam_classifier',
      node: nodes,
      initializer: initializers,
      input: [valueInfo(INPUT_NAME, ['N', spec.features.dim])],
      output: [valueInfo(OUTPUT_NAME, ['N', spec.labels.length])],
    },
    metadataProps: [
      { key: 'greenlight.features', value: JSON.stringify(spec.features) },
      { key: 'greenlight.labels', value: JSON.stringify(spec.labels) },
      { key: 'greenlight.version', value: spec.version },
    ],
  };
  // A copy: protobufjs may hand out a slice of a shared pool slab, and callers pass `.buffer` on.
  return new Uint8Array(onnx.ModelProto.encode(model).finish());
}
