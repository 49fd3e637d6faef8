import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CARD_CREATED, type ModelCard, renderCard } from './card.js';

const metrics = { examples: 3, accuracy: 2 / 3, precision: 0.123456, recall: 1 };
const card: ModelCard = {
  name: 'spam-vx',
  version: 'vx',
  owner: 'someone',
  created: CARD_CREATED,
  approved: false,
  description: 'a: colon and "quotes"',
  model: {
    file: 'spam-vx.onnx',
    sha256: 'ab'.repeat(32),
    bytes: 10,
    architecture: 'tiny',
    parameters: 3,
    multiply_adds_per_example: 4,
    input: 'features: float32 [N, 2]',
    output: 'probabilities: float32 [N, 2]',
    labels: ['ham', 'spam'],
    features: { scheme: 'hashed-words-v1', dim: 2, maxChars: 10, bigrams: false, maxTokenLength: 5 },
  },
  training_data: { source: 's', slice: 'old', groups: ['spam-1'], examples: 3, spam_examples: 1 },
  evaluation: { held_out_file: 'samples.jsonl', examples: 3, rule: 'r' },
  metrics: { overall: metrics, slices: { html: metrics }, mean_confidence: 0.987654 },
  agreement_with_v1: { overall: 0.955555, slices: { html: 1 / 3 } },
  known_limitations: ['one'],
};

describe('renderCard', () => {
  it('writes YAML that parses back to the card, with metrics rounded to 4 decimals', () => {
    const back = parse(renderCard(card));
    expect(back.created).toBe(CARD_CREATED); // a string, not a YAML timestamp
    expect(back.description).toBe(card.description);
    expect(back.model).toEqual(card.model);
    expect(back.metrics.overall).toEqual({ examples: 3, accuracy: 0.6667, precision: 0.1235, recall: 1 });
    expect(back.metrics.mean_confidence).toBe(0.9877);
    expect(back.agreement_with_v1).toEqual({ overall: 0.9556, slices: { html: 0.3333 } });
    expect(back.approved).toBe(false);
  });

  it('is stable: the same card renders to the same text', () => {
    expect(renderCard(structuredClone(card))).toBe(renderCard(card));
  });
});
