import { type Email, TEXT_MAX_CHARS } from './corpus.js';
import type { FeatureConfig } from './features.js';
import { type LogisticModel, logisticLogit, trainLogistic } from './logistic.js';
import { mlpLayers, mlpProbability, trainMlp } from './mlp.js';
import type { DenseLayer } from './onnx-export.js';
import type { SparseRows } from './sparse.js';

/** A trained model: its ONNX layers and the trainer's own prediction function. */
export interface Fitted {
  layers: DenseLayer[];
  /** P(spam) for row i, computed by the trainer (the parity test compares ONNX Runtime with it). */
  spamProbability(rows: SparseRows, i: number): number;
  parameters: number;
  /** Multiply-adds of one dense forward pass (what ONNX Runtime computes per e-mail). */
  multiplyAddsPerExample: number;
}

/** How one example model is made. */
export interface Recipe {
  name: string;
  version: string;
  approved: boolean;
  description: string;
  architecture: string;
  /** Human description of the training slice, for the card. */
  trainingSlice: string;
  /** Which e-mails of the training pool it learns from. */
  select(email: Email): boolean;
  features: FeatureConfig;
  limitations: string[];
  /**
   * Train on the selected rows. `v1Spam` is v1's P(spam) for the same e-mails (computed on v1's
   * own features), undefined while v1 itself is being trained.
   */
  fit(rows: SparseRows, spam: Uint8Array, v1Spam: Float64Array | undefined): Fitted;
}

/**
 * maxChars equals the cut applied to training texts, so a server reading a longer e-mail sees
 * exactly the prefix the models were trained and evaluated on.
 */
const WORDS_16K: FeatureConfig = {
  scheme: 'hashed-words-v1',
  dim: 16384,
  maxChars: TEXT_MAX_CHARS,
  bigrams: false,
  maxTokenLength: 30,
};

/**
 * Logistic regression as a 2-column Gemm: logits (-z/2, z/2)/T, so the softmax's spam column is
 * exactly sigmoid(z/T). T > 1 squashes confidence without changing any label.
 */
function logisticFitted(model: LogisticModel, temperature = 1): Fitted {
  const dim = model.weights.length;
  const weights = new Float32Array(dim * 2);
  for (let j = 0; j < dim; j++) {
    weights[j * 2] = -model.weights[j] / 2 / temperature;
    weights[j * 2 + 1] = model.weights[j] / 2 / temperature;
  }
  const bias = Float32Array.of(-model.bias / 2 / temperature, model.bias / 2 / temperature);
  return {
    layers: [{ inDim: dim, outDim: 2, weights, bias, relu: false }],
    spamProbability: (rows, i) => 1 / (1 + Math.exp(-logisticLogit(model, rows, i) / temperature)),
    parameters: dim + 1,
    multiplyAddsPerExample: dim * 2,
  };
}

const isOld = (e: Email) => e.group.endsWith('-1');

/**
 * Churn reduction ("anchoring", Cormier et al. 2016): learn from a mix of the true label and the
 * production model's probability, so a retrained model fixes errors without flipping many of the
 * answers users already get. `weight` is the share of the anchor.
 */
function anchoredTargets(spam: Uint8Array, anchor: Float64Array | undefined, weight: number): Float64Array {
  if (!anchor) throw new Error('the anchor model (v1) must be trained first');
  return Float64Array.from(spam, (y, i) => weight * anchor[i] + (1 - weight) * y);
}

const V1_OPTIONS = { epochs: 20, learningRate: 2, l2: 0, seed: 1 };

/** The five example models, in build order (later models anchor to v1, so v1 comes first). */
export const RECIPES: Recipe[] = [
  {
    name: 'spam-v1',
    version: 'v1',
    approved: true,
    description: 'Production spam classifier: logistic regression on hashed word features.',
    architecture: 'logistic regression (one Gemm + Softmax) on 16,384 hashed word features',
    trainingSlice: 'older slice: the *-1 groups (easy-ham-1, hard-ham-1, spam-1), training part only',
    select: isOld,
    features: WORDS_16K,
    limitations: [
      'Trained on 2002-era e-mail only; newer spam campaigns (spam-2) are recognised less well.',
      'Reads the Subject and the body up to 4,000 characters in all; other headers are ignored.',
      'English-centric tokenisation; MIME parts are not decoded (base64 bodies are mostly skipped).',
    ],
    fit: (rows, spam) => logisticFitted(trainLogistic(rows, spam, V1_OPTIONS)),
  },
  {
    name: 'spam-v2',
    version: 'v2',
    approved: true,
    description:
      'Retrained on fresh data, anchored to v1 to limit churn: same features and graph (as fast), more accurate.',
    architecture: 'logistic regression (one Gemm + Softmax) on 16,384 hashed word features',
    trainingSlice: 'all groups (the *-1 groups plus fresh easy-ham-2 and spam-2), training part only',
    select: () => true,
    features: WORDS_16K,
    limitations: [
      'Reads the Subject and the body up to 4,000 characters in all; other headers are ignored.',
      'English-centric tokenisation; MIME parts are not decoded (base64 bodies are mostly skipped).',
    ],
    fit: (rows, spam, v1Spam) =>
      logisticFitted(trainLogistic(rows, anchoredTargets(spam, v1Spam, 0.5), { ...V1_OPTIONS, seed: 2 })),
  },
  {
    name: 'spam-v3-regressed',
    version: 'v3-regressed',
    approved: false,
    description: 'A bad candidate: a feature-config mistake hashed words into only 64 buckets.',
    architecture: 'logistic regression (one Gemm + Softmax) on 64 hashed word features',
    trainingSlice: 'older slice: the *-1 groups (easy-ham-1, hard-ham-1, spam-1), training part only',
    select: isOld,
    features: { ...WORDS_16K, dim: 64 },
    limitations: ['Hash collisions in 64 buckets destroy most word identity: clearly less accurate than v1.'],
    fit: (rows, spam) => logisticFitted(trainLogistic(rows, spam, V1_OPTIONS)),
  },
  {
    name: 'spam-v3-slow',
    version: 'v3-slow',
    approved: false,
    description:
      'A bad candidate: accurate, but a wide MLP on 65,536 features is many times slower per request.',
    architecture: 'MLP 65,536 → 192 (ReLU) → 2 (Softmax) on hashed word features',
    trainingSlice: 'all groups, training part only (anchored to v1 like v2)',
    select: () => true,
    features: { ...WORDS_16K, dim: 65536 },
    limitations: ['Each prediction reads ~50 MB of weights: latency and memory are several times v1’s.'],
    fit: (rows, spam, v1Spam) => {
      const targets = anchoredTargets(spam, v1Spam, 0.5);
      const m = trainMlp(rows, targets, { hidden: 192, epochs: 2, learningRate: 0.05, seed: 3 });
      return {
        layers: mlpLayers(m),
        spamProbability: (r, i) => mlpProbability(m, r, i),
        parameters: m.w1.length + m.b1.length + m.w2.length + m.b2.length,
        multiplyAddsPerExample: m.w1.length + m.w2.length,
      };
    },
  },
  {
    name: 'spam-v3-skewed',
    version: 'v3-skewed',
    approved: false,
    description:
      'A bad candidate: its training data lost the HTML e-mails, and its scores are squashed (T=3).',
    architecture: 'logistic regression (one Gemm + Softmax, temperature 3) on 16,384 hashed word features',
    trainingSlice:
      'plain-text e-mails of all groups only (a pipeline bug dropped HTML e-mails), training part',
    select: (e) => e.slice === 'plain',
    features: WORDS_16K,
    limitations: [
      'Never saw an HTML e-mail in training: much worse on the html slice than on plain text.',
      'Temperature-squashed probabilities (pulled toward 0.5): score thresholds downstream shift.',
    ],
    fit: (rows, spam, v1Spam) =>
      logisticFitted(trainLogistic(rows, anchoredTargets(spam, v1Spam, 0.5), { ...V1_OPTIONS, seed: 5 }), 3),
  },
];
