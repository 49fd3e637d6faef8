/** One model output for one text: the predicted label and its probability. */
export interface Prediction {
  label: string;
  /** Probability of `label` (the arg-max of the model's output row). */
  score: number;
}

/**
 * What the server needs from a loaded model: its identity and one batched inference call. The
 * ONNX implementation is `loadOnnxModel`; tests pass fakes (a slow model, a failing one).
 */
export interface LoadedModel {
  labels: string[];
  /** Name of the model's input tensor and its width, for OIP metadata and errors. */
  inputName: string;
  featureDim: number;
  /** Version recorded inside the model file, when it has one. */
  embeddedVersion: string | undefined;
  /** One inference call for every text (one `session.run`). */
  predict(texts: string[]): Promise<Prediction[]>;
  /** Release the runtime session. */
  release(): Promise<void>;
  /** Settles when the runtime dies (the inference thread exited): nothing can be predicted any more. */
  fatal?: Promise<Error>;
}

/** Arg-max of one row of class probabilities: the label and its probability (first wins a tie). */
export function toPrediction(probabilities: ArrayLike<number>, offset: number, labels: string[]): Prediction {
  let best = 0;
  for (let j = 1; j < labels.length; j++) {
    if (probabilities[offset + j] > probabilities[offset + best]) best = j;
  }
  return { label: labels[best], score: probabilities[offset + best] };
}
