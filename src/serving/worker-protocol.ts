/** Messages between the server thread and the inference thread (worker-model.ts). */
export interface WorkerInit {
  path: string;
  intraOpThreads?: number;
}

export type ToWorker = { type: 'predict'; id: number; texts: string[] } | { type: 'release' };

export type FromWorker =
  | {
      type: 'loaded';
      labels: string[];
      inputName: string;
      featureDim: number;
      embeddedVersion: string | undefined;
    }
  | { type: 'failed'; code: string; message: string }
  /** Label indices and scores as transferable typed arrays: cloning N small objects costs more. */
  | { type: 'result'; id: number; labels: Uint16Array; scores: Float64Array }
  | { type: 'result'; id: number; error: string }
  | { type: 'released' };
