import { type InferenceSession, Tensor } from 'onnxruntime-node';
import { GreenlightError } from '../errors.js';
import { featurizeBatch } from '../models/features.js';
import { readModelInfo } from '../models/model-file.js';
import { type LoadedModel, toPrediction } from './prediction.js';
import { createSession } from './session.js';

export interface OnnxModelOptions {
  /** ONNX Runtime intra-op threads (1 by default, see createSession). */
  intraOpThreads?: number;
}

/**
 * Load an ONNX model file for serving: read its greenlight metadata (feature config, labels), then
 * create an ONNX Runtime session from the same bytes. Throws GreenlightError `GL_MODEL_NOT_FOUND`
 * or `GL_MODEL_INVALID` (one-line message) when the file is missing or not a usable model.
 */
export async function loadOnnxModel(path: string, opts: OnnxModelOptions = {}): Promise<LoadedModel> {
  const info = await readModelInfo(path);
  const session = await createSession(info.bytes, path, opts.intraOpThreads);
  const { features, labels, inputName, outputName } = info;
  const width = labels.length;
  let buffer = new Float32Array(0);
  let scratchFree = true;
  const scratch = (size: number) => {
    if (buffer.length < size) buffer = new Float32Array(size);
    return buffer;
  };
  return {
    labels,
    inputName,
    featureDim: features.dim,
    embeddedVersion: info.version,
    async predict(texts) {
      // The batcher runs one batch at a time, so one scratch buffer serves every batch; a call that
      // overlaps another (warm-up racing traffic, direct callers) gets a buffer of its own.
      const own = scratchFree ? scratch(texts.length * features.dim) : undefined;
      scratchFree = false;
      let out: InferenceSession.ReturnType;
      try {
        const data = featurizeBatch(texts, features, own);
        out = await session.run({ [inputName]: new Tensor('float32', data, [texts.length, features.dim]) });
      } finally {
        if (own) scratchFree = true;
      }
      const result = out[outputName];
      if (result.dims.length !== 2 || result.dims[1] !== width) {
        throw new GreenlightError(
          'GL_MODEL_OUTPUT',
          `model output has shape [${result.dims}], expected [N, ${width}]`,
        );
      }
      const probs = result.data as Float32Array;
      const predictions = new Array(texts.length);
      for (let i = 0; i < texts.length; i++) predictions[i] = toPrediction(probs, i * width, labels);
      return predictions;
    },
    release: () => session.release(),
  };
}
