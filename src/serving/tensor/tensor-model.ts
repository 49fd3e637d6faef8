import { Tensor } from 'onnxruntime-node';
import { GreenlightError } from '../../errors.js';
import { readModelProto } from '../../models/model-file.js';
import { createSession } from '../session.js';
import type { OrtType } from './datatypes.js';
import type { Feeds } from './feeds.js';
import { graphFacts } from './onnx-graph.js';
import { type ModelSignature, signatureOf } from './signature.js';

/** A generic ONNX model: tensors in, tensors out, described by its own metadata. */
export interface TensorModel {
  signature: ModelSignature;
  /** The model's ONNX metadata properties. */
  properties: Record<string, string>;
  /** Class labels of an ai.onnx.ml classifier in the graph, when there is one. */
  classLabels: Array<string | number> | undefined;
  /** One `session.run` with every tensor output fetched. */
  run(feeds: Feeds): Promise<Feeds>;
  release(): Promise<void>;
  /** Settles when the runtime dies (the inference thread exited). */
  fatal?: Promise<Error>;
}

export interface TensorModelOptions {
  intraOpThreads?: number;
}

/**
 * Load any ONNX model for OIP v2 serving: its inputs and outputs from ONNX Runtime's metadata,
 * what that leaves out (unshaped values, non-tensor types, metadata properties, class labels)
 * from the protobuf. Throws GreenlightError `GL_MODEL_NOT_FOUND` / `GL_MODEL_INVALID`.
 */
export async function loadTensorModel(path: string, opts: TensorModelOptions = {}): Promise<TensorModel> {
  const { bytes, model } = await readModelProto(path);
  const session = await createSession(bytes, path, opts.intraOpThreads);
  const facts = graphFacts(model);
  let signature: ModelSignature;
  try {
    signature = signatureOf(session.inputMetadata, session.outputMetadata, facts.unknownRank, (name) => {
      return `of type ${facts.types.get(name) ?? 'unknown'}`;
    });
  } catch (err) {
    await session.release();
    throw new GreenlightError('GL_MODEL_INVALID', `model ${path} is not usable: ${(err as Error).message}`);
  }
  // Only tensor outputs are fetched: ONNX Runtime's node binding cannot hand back a sequence or a map.
  const fetches = signature.outputs.map((o) => o.name);
  return {
    signature,
    properties: facts.properties,
    classLabels: facts.classLabels,
    async run(feeds) {
      const tensors: Record<string, Tensor> = {};
      for (const [name, f] of Object.entries(feeds)) tensors[name] = toOrt(f);
      // Run errors come back to the client in the 500 answer; the runtime's own log line would only repeat them.
      const out = await session.run(tensors, fetches, { logSeverityLevel: 4 });
      const result: Feeds = {};
      for (const name of fetches) {
        const t = out[name] as Tensor;
        result[name] = { type: t.type as OrtType, data: float16Bits(t) as Float32Array, dims: [...t.dims] };
      }
      return result;
    },
    release: () => session.release(),
  };
}

/*
 * FP16 crosses ONNX Runtime as raw 16-bit patterns in a Uint16Array everywhere in greenlight. Where
 * the JavaScript engine has Float16Array (Node 24), onnxruntime-common turns a float16 tensor's
 * Uint16Array into a Float16Array view, which the node binding (1.30) cannot read ("not enough
 * space: expected 4, got 0"), and hands float16 outputs back as Float16Array. So an FP16 input is
 * built as uint16 and then named float16 (same bytes), and an FP16 output is read back as its bits.
 */
function toOrt(f: Feeds[string]): Tensor {
  if (f.type !== 'float16') return new Tensor(f.type, f.data as Float32Array, f.dims);
  const t = new Tensor('uint16', f.data as Uint16Array, f.dims);
  (t as { type: string }).type = 'float16';
  return t;
}

function float16Bits(t: Tensor): Tensor['data'] {
  const d = t.data as ArrayBufferView & { length: number };
  if (t.type !== 'float16' || d instanceof Uint16Array) return t.data;
  return new Uint16Array(d.buffer, d.byteOffset, d.length);
}
