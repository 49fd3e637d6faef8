import { startWorker } from '../worker-rpc.js';
import { datatypeOf, type OipDatatype } from './datatypes.js';
import type { Feeds } from './feeds.js';
import type { ModelSignature, TensorSpec } from './signature.js';
import type { TensorModel, TensorModelOptions } from './tensor-model.js';

/** A signature as it crosses threads: datatypes by name (the Datatype objects hold functions). */
export type WireSpec = Omit<TensorSpec, 'datatype'> & { datatype: OipDatatype };
export interface LoadedTensorModel {
  signature: Omit<ModelSignature, 'inputs' | 'outputs'> & { inputs: WireSpec[]; outputs: WireSpec[] };
  properties: Record<string, string>;
  classLabels: Array<string | number> | undefined;
}

export const toWire = (s: TensorSpec): WireSpec => ({ ...s, datatype: s.datatype.oip });
const fromWire = (s: WireSpec): TensorSpec => ({ ...s, datatype: datatypeOf(s.datatype)! });

/**
 * Load a generic ONNX model in its own thread (tensor-worker.ts), beside the HTTP thread, as
 * `loadOnnxModelInWorker` does for text models: JSON work on this thread overlaps the
 * synchronous `session.run` on that one. Same errors as `loadTensorModel`.
 */
export async function loadTensorModelInWorker(
  path: string,
  opts: TensorModelOptions = {},
): Promise<TensorModel> {
  const worker = await startWorker<LoadedTensorModel, Feeds, Feeds>('tensor/tensor-worker.js', {
    path,
    intraOpThreads: opts.intraOpThreads,
  });
  const { signature, properties, classLabels } = worker.info;
  return {
    signature: {
      ...signature,
      inputs: signature.inputs.map(fromWire),
      outputs: signature.outputs.map(fromWire),
    },
    properties,
    classLabels,
    run: (feeds) => worker.call(feeds),
    release: () => worker.release(),
    fatal: worker.fatal,
  };
}
