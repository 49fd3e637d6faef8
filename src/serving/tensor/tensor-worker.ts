/**
 * Entry point of a generic model's inference thread (worker-tensor-model.ts): loads the model and
 * answers one run at a time. Outputs go back as transferred buffers (the runtime made them for us).
 */
import { workerData } from 'node:worker_threads';
import { serveInWorker } from '../worker-rpc.js';
import type { Feeds } from './feeds.js';
import { loadTensorModel } from './tensor-model.js';
import { type LoadedTensorModel, toWire } from './worker-tensor-model.js';

const init = workerData as { path: string; intraOpThreads?: number };

await serveInWorker<LoadedTensorModel, Feeds, Feeds>(async () => {
  const model = await loadTensorModel(init.path, { intraOpThreads: init.intraOpThreads });
  const { signature: sig } = model;
  return {
    info: {
      signature: { ...sig, inputs: sig.inputs.map(toWire), outputs: sig.outputs.map(toWire) },
      properties: model.properties,
      classLabels: model.classLabels,
    },
    async call(feeds) {
      const out = await model.run(feeds);
      const buffers = new Set<ArrayBuffer>();
      for (const f of Object.values(out))
        if (!Array.isArray(f.data)) buffers.add(f.data.buffer as ArrayBuffer);
      return { value: out, transfer: [...buffers] };
    },
    release: () => model.release(),
  };
});
