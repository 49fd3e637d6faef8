/**
 * Entry point of the inference thread (see worker-model.ts): loads the model with ONNX Runtime and
 * answers `predict` calls one at a time, so featurization and `session.run` never block the
 * thread that parses HTTP.
 */
import { workerData } from 'node:worker_threads';
import { loadOnnxModel } from './onnx-model.js';
import type { LoadedTextModel, TextResult, WorkerInit } from './worker-protocol.js';
import { serveInWorker } from './worker-rpc.js';

const init = workerData as WorkerInit;

await serveInWorker<LoadedTextModel, string[], TextResult>(async () => {
  const model = await loadOnnxModel(init.path, { intraOpThreads: init.intraOpThreads });
  const labelIndex = new Map(model.labels.map((label, i) => [label, i]));
  return {
    info: {
      labels: model.labels,
      inputName: model.inputName,
      featureDim: model.featureDim,
      embeddedVersion: model.embeddedVersion,
    },
    async call(texts) {
      const predictions = await model.predict(texts);
      const labels = new Uint16Array(predictions.length);
      const scores = new Float64Array(predictions.length);
      for (let i = 0; i < predictions.length; i++) {
        labels[i] = labelIndex.get(predictions[i].label)!;
        scores[i] = predictions[i].score;
      }
      return { value: { labels, scores }, transfer: [labels.buffer, scores.buffer] };
    },
    release: () => model.release(),
  };
});
