import type { OnnxModelOptions } from './onnx-model.js';
import type { LoadedModel, Prediction } from './prediction.js';
import type { LoadedTextModel, TextResult, WorkerInit } from './worker-protocol.js';
import { startWorker } from './worker-rpc.js';

/**
 * Load an ONNX model in its own thread (the "model instance" of Triton, beside the HTTP thread).
 * Featurization and ONNX Runtime's synchronous `session.run` then overlap with HTTP parsing and
 * JSON work on the main thread instead of taking turns with them. Same errors as `loadOnnxModel`.
 */
export async function loadOnnxModelInWorker(path: string, opts: OnnxModelOptions = {}): Promise<LoadedModel> {
  const init: WorkerInit = { path, intraOpThreads: opts.intraOpThreads };
  const worker = await startWorker<LoadedTextModel, string[], TextResult>('inference-worker.js', init);
  const { labels } = worker.info;
  return {
    ...worker.info,
    fatal: worker.fatal,
    async predict(texts) {
      const result = await worker.call(texts);
      const predictions = new Array<Prediction>(result.labels.length);
      for (let i = 0; i < predictions.length; i++)
        predictions[i] = { label: labels[result.labels[i]], score: result.scores[i] };
      return predictions;
    },
    release: () => worker.release(),
  };
}
