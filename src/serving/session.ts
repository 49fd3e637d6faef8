import { InferenceSession } from 'onnxruntime-node';
import { GreenlightError } from '../errors.js';

/**
 * An ONNX Runtime session for serving, from the model's bytes. One intra-op thread by default: the
 * models are small, the batcher already amortises per-call overhead, and a server replica should
 * not take every core of the host. Throws GreenlightError `GL_MODEL_INVALID` in one line when the
 * runtime refuses the file.
 */
export async function createSession(
  bytes: Uint8Array,
  path: string,
  intraOpThreads = 1,
): Promise<InferenceSession> {
  try {
    return await InferenceSession.create(bytes, {
      intraOpNumThreads: intraOpThreads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3, // errors only: a refused file is reported in one line by us
    });
  } catch (err) {
    const why = (err as Error).message.split('\n')[0];
    throw new GreenlightError(
      'GL_MODEL_INVALID',
      `model ${path} is not usable: ONNX Runtime refused it (${why})`,
      {
        cause: err,
      },
    );
  }
}
