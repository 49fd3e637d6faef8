/**
 * Entry point of the inference thread (see worker-model.ts): loads the model with ONNX Runtime and
 * answers `predict` messages one at a time, so featurization and `session.run` never block the
 * thread that parses HTTP.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadOnnxModel } from './onnx-model.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

const port = parentPort!;
const init = workerData as WorkerInit;
const send = (msg: FromWorker) => port.postMessage(msg);

try {
  const model = await loadOnnxModel(init.path, { intraOpThreads: init.intraOpThreads });
  const labelIndex = new Map(model.labels.map((label, i) => [label, i]));
  port.on('message', async (msg: ToWorker) => {
    if (msg.type === 'release') {
      await model.release();
      send({ type: 'released' });
      return;
    }
    try {
      const predictions = await model.predict(msg.texts);
      const labels = new Uint16Array(predictions.length);
      const scores = new Float64Array(predictions.length);
      for (let i = 0; i < predictions.length; i++) {
        labels[i] = labelIndex.get(predictions[i].label)!;
        scores[i] = predictions[i].score;
      }
      port.postMessage({ type: 'result', id: msg.id, labels, scores } satisfies FromWorker, [
        labels.buffer,
        scores.buffer,
      ]);
    } catch (err) {
      send({ type: 'result', id: msg.id, error: (err as Error).message });
    }
  });
  send({
    type: 'loaded',
    labels: model.labels,
    inputName: model.inputName,
    featureDim: model.featureDim,
    embeddedVersion: model.embeddedVersion,
  });
} catch (err) {
  send({
    type: 'failed',
    code: (err as { code?: string }).code ?? 'GL_MODEL_INVALID',
    message: (err as Error).message,
  });
}
