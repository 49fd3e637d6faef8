import onnxProto from 'onnx-proto';
import type { Dim } from './signature.js';

const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;

/** ONNX element types by OIP datatype, for building test models. */
export const ONNX_ELEM = {
  BOOL: T.BOOL,
  UINT8: T.UINT8,
  UINT16: T.UINT16,
  UINT32: T.UINT32,
  UINT64: T.UINT64,
  INT8: T.INT8,
  INT16: T.INT16,
  INT32: T.INT32,
  INT64: T.INT64,
  FP16: T.FLOAT16,
  FP32: T.FLOAT,
  FP64: T.DOUBLE,
  BYTES: T.STRING,
} as const;
export type TestDatatype = keyof typeof ONNX_ELEM;

export interface Value {
  name: string;
  elem: number;
  /** undefined: no shape declared at all. */
  shape?: Dim[];
}

const valueInfo = (v: Value): onnxProto.onnx.IValueInfoProto => ({
  name: v.name,
  type: {
    tensorType: {
      elemType: v.elem,
      ...(v.shape === undefined
        ? {}
        : {
            shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
          }),
    },
  },
});

/** Encode a graph of ONNX nodes (opset 13, plus ai.onnx.ml 1 when a node uses it) as model bytes. */
export function encodeGraph(g: {
  inputs: Value[];
  outputs: Value[];
  nodes: onnxProto.onnx.INodeProto[];
  initializers?: onnxProto.onnx.ITensorProto[];
  properties?: Record<string, string>;
}): Uint8Array {
  const model: onnxProto.onnx.IModelProto = {
    irVersion: 8,
    opsetImport: [
      { domain: '', version: 13 },
      { domain: 'ai.onnx.ml', version: 1 },
    ],
    producerName: 'greenlight-tests',
    graph: {
      name: 'test',
      node: g.nodes,
      initializer: g.initializers ?? [],
      input: g.inputs.map(valueInfo),
      output: g.outputs.map(valueInfo),
    },
    metadataProps: Object.entries(g.properties ?? {}).map(([key, value]) => ({ key, value })),
  };
  return new Uint8Array(onnx.ModelProto.encode(model).finish());
}

/**
 * One Identity per datatype: input `x_<TYPE>` → output `y_<TYPE>`, each of shape `shape`
 * (default ['N', 2]). Through the real runtime, what comes out is exactly what went in.
 */
export function identityModel(types: readonly TestDatatype[], shape: Dim[] = ['N', 2]): Uint8Array {
  return encodeGraph({
    inputs: types.map((t) => ({ name: `x_${t}`, elem: ONNX_ELEM[t], shape })),
    outputs: types.map((t) => ({ name: `y_${t}`, elem: ONNX_ELEM[t], shape })),
    nodes: types.map((t) => ({ opType: 'Identity', input: [`x_${t}`], output: [`y_${t}`] })),
  });
}

/**
 * A small dense classifier, `x` FP32 [N, inDim] → Gemm → Softmax → `probabilities` [N, classes],
 * with deterministic weights, and metadata properties: a generic model, not a greenlight text model.
 */
export function denseModel(inDim: number, classes: number, hidden = 0): Uint8Array {
  const weights = (rows: number, cols: number, seed: number) =>
    Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(seed * 7.1 + i * 1.3) / Math.sqrt(rows));
  const tensor = (name: string, dims: number[], data: Float32Array): onnxProto.onnx.ITensorProto => ({
    name,
    dims,
    dataType: T.FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  });
  const layers = hidden > 0 ? [inDim, hidden, classes] : [inDim, classes];
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const initializers: onnxProto.onnx.ITensorProto[] = [];
  let current = 'x';
  for (let i = 0; i + 1 < layers.length; i++) {
    initializers.push(tensor(`W${i}`, [layers[i], layers[i + 1]], weights(layers[i], layers[i + 1], i + 1)));
    initializers.push(tensor(`b${i}`, [layers[i + 1]], weights(1, layers[i + 1], i + 5)));
    nodes.push({ opType: 'Gemm', input: [current, `W${i}`, `b${i}`], output: [`h${i}`] });
    current = `h${i}`;
    if (i + 2 < layers.length) {
      nodes.push({ opType: 'Relu', input: [current], output: [`r${i}`] });
      current = `r${i}`;
    }
  }
  nodes.push({
    opType: 'Softmax',
    input: [current],
    output: ['probabilities'],
    attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
  });
  return encodeGraph({
    inputs: [{ name: 'x', elem: T.FLOAT, shape: ['N', inDim] }],
    outputs: [{ name: 'probabilities', elem: T.FLOAT, shape: ['N', classes] }],
    nodes,
    initializers,
    properties: { author: 'greenlight tests', classes: String(classes) },
  });
}
