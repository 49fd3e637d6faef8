import { GreenlightError } from '../errors.js';
import type { LoadedModel } from './prediction.js';

// Representative inputs: a short ham-like and a spam-like text, and an empty one (all-zero row).
const WARMUP_TEXTS = [
  'Hi team, the meeting notes from Tuesday are attached. Let me know if anything is missing.',
  'CONGRATULATIONS!!! You have WON $1,000,000 - click here now to claim your FREE prize!',
  '',
];

/**
 * Run `count` warm-up inferences before the server reports ready, as Triton's `model_warmup`
 * does: the first ONNX Runtime calls allocate arenas and JIT-compile the featurizer, and that
 * latency belongs to startup, not to the first user. Inference k alternates between a single
 * text and a batch of `maxBatchSize` (at most 16) so both paths are exercised. Every output is
 * checked, so a model that loads but yields garbage never becomes ready.
 */
export async function warmUp(model: LoadedModel, count: number, maxBatchSize: number): Promise<void> {
  const batch = Array.from(
    { length: Math.min(maxBatchSize, 16) },
    (_, i) => WARMUP_TEXTS[i % WARMUP_TEXTS.length],
  );
  for (let k = 0; k < count; k++) {
    const texts = k % 2 === 0 ? WARMUP_TEXTS.slice(0, 1) : batch;
    const predictions = await model.predict(texts);
    const bad = predictions.find((p) => !model.labels.includes(p.label) || !(p.score >= 0 && p.score <= 1));
    if (predictions.length !== texts.length || bad !== undefined) {
      throw new GreenlightError(
        'GL_WARMUP_FAILED',
        `warm-up inference ${k + 1} returned ${bad ? JSON.stringify(bad) : `${predictions.length} predictions for ${texts.length} texts`}`,
      );
    }
  }
}
