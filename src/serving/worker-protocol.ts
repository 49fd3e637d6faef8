/** What the text model's inference thread (inference-worker.ts) reports and answers, over worker-rpc.ts. */
export interface WorkerInit {
  path: string;
  intraOpThreads?: number;
}

export interface LoadedTextModel {
  labels: string[];
  inputName: string;
  featureDim: number;
  embeddedVersion: string | undefined;
}

/** Label indices and scores as transferable typed arrays: cloning N small objects costs more. */
export interface TextResult {
  labels: Uint16Array;
  scores: Float64Array;
}
