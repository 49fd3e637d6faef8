import type { LoadedModel, Prediction } from './prediction.js';

export interface FakeModel extends LoadedModel {
  /** Every batch `predict` received, in order. */
  calls: string[][];
  /** From now on, `predict` waits until `resume()`. */
  pause(): void;
  resume(): void;
  /** Simulate the runtime dying: `fatal` settles and every later `predict` rejects. */
  crash(message: string): void;
}

/**
 * A LoadedModel without ONNX Runtime, for tests of the server's lifecycle (warm-up, draining) and
 * of other parts that need a model server in-process. `spam` when the text contains "free" (any
 * case), with score 0.9; otherwise `ham` with score 0.8. `predictOne` overrides that rule.
 */
export function createFakeModel(predictOne?: (text: string) => Prediction): FakeModel {
  const rule =
    predictOne ??
    ((t: string) => (/free/i.test(t) ? { label: 'spam', score: 0.9 } : { label: 'ham', score: 0.8 }));
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  const calls: string[][] = [];
  let crashed: Error | undefined;
  let onFatal!: (err: Error) => void;
  const fatal = new Promise<Error>((resolve) => {
    onFatal = resolve;
  });
  return {
    labels: ['ham', 'spam'],
    inputName: 'features',
    featureDim: 2,
    embeddedVersion: undefined,
    calls,
    fatal,
    async predict(texts) {
      if (crashed) throw crashed;
      calls.push(texts);
      if (gate) await gate;
      return texts.map(rule);
    },
    async release() {},
    pause() {
      gate ??= new Promise((resolve) => {
        open = resolve;
      });
    },
    crash(message) {
      crashed = new Error(message);
      onFatal(crashed);
    },
    resume() {
      open?.();
      gate = undefined;
      open = undefined;
    },
  };
}
