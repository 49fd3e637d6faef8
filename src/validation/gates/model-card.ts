import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { GateResult } from '../types.js';
import { gateResult } from './result.js';

/**
 * Fields a card must fill (the seed: "version notes, training data, known limitations
 * documented"), each with the spellings accepted for it.
 */
export const REQUIRED_CARD_FIELDS: Record<string, string[]> = {
  version: ['version', 'modelVersion', 'model_version'],
  owner: ['owner', 'owners'],
  trainingData: ['training_data', 'trainingData', 'training'],
  limitations: ['known_limitations', 'knownLimitations', 'limitations'],
  approved: ['approved'],
};

export interface ModelCardGateInput {
  /** Absolute path of the candidate's card (YAML); undefined = none configured. */
  cardPath?: string;
  /** The version the candidate actually serves (its x-model-version / model_version). */
  deployedVersion?: string;
  readFile?: (path: string) => Promise<string>;
}

function lookup(card: Record<string, unknown>, names: string[]): unknown {
  for (const n of names) if (card[n] !== undefined) return card[n];
  return undefined;
}

const filled = (v: unknown) =>
  v !== undefined &&
  v !== null &&
  !(typeof v === 'string' && v.trim() === '') &&
  !(Array.isArray(v) && v.length === 0);

/**
 * Model card gate: the card exists and parses, every required field is filled, `approved` is
 * literally `true`, and its version equals the version the candidate serves.
 */
export async function modelCardGate(input: ModelCardGateInput): Promise<GateResult> {
  const threshold = { approved: 'true', version: input.deployedVersion ?? null };
  if (!input.cardPath)
    return gateResult('modelCard', 'failed', 'no model card given for the candidate', {
      threshold,
      evidence: { path: null },
    });
  let text: string;
  try {
    text = await (input.readFile ?? ((p) => readFile(p, 'utf8')))(input.cardPath);
  } catch (err) {
    return gateResult(
      'modelCard',
      'failed',
      `model card ${input.cardPath} cannot be read: ${(err as Error).message}`,
      {
        threshold,
        evidence: { path: input.cardPath },
      },
    );
  }
  let card: unknown;
  try {
    card = parse(text);
  } catch (err) {
    return gateResult(
      'modelCard',
      'failed',
      `model card ${input.cardPath} is not valid YAML: ${(err as Error).message.split('\n')[0]}`,
      {
        threshold,
        evidence: { path: input.cardPath },
      },
    );
  }
  if (typeof card !== 'object' || card === null || Array.isArray(card)) {
    return gateResult('modelCard', 'failed', `model card ${input.cardPath} is not a YAML mapping`, {
      threshold,
      evidence: { path: input.cardPath },
    });
  }
  const c = card as Record<string, unknown>;
  const missing = Object.entries(REQUIRED_CARD_FIELDS)
    .filter(([, names]) => !filled(lookup(c, names)))
    .map(([field, names]) => `${field} (${names[0]})`);
  const approved = lookup(c, REQUIRED_CARD_FIELDS.approved);
  const rawVersion = lookup(c, REQUIRED_CARD_FIELDS.version);
  const cardVersion = rawVersion === undefined || rawVersion === null ? null : String(rawVersion);
  const problems: string[] = [];
  if (missing.length > 0) problems.push(`missing ${missing.join(', ')}`);
  if (approved !== true && filled(approved))
    problems.push(`approved is ${JSON.stringify(approved)}, not true`);
  if (input.deployedVersion !== undefined && cardVersion !== null && cardVersion !== input.deployedVersion) {
    problems.push(`card version ${cardVersion} ≠ deployed version ${input.deployedVersion}`);
  }
  const measured = { approved: approved === undefined ? null : String(approved), version: cardVersion };
  const evidence = {
    path: input.cardPath,
    missing,
    name: c.name ?? c.model ?? null,
    owner: lookup(c, REQUIRED_CARD_FIELDS.owner) ?? null,
  };
  if (problems.length > 0)
    return gateResult('modelCard', 'failed', `model card: ${problems.join('; ')}`, {
      measured,
      threshold,
      evidence,
    });
  return gateResult(
    'modelCard',
    'passed',
    `model card approved, complete${input.deployedVersion !== undefined ? `, version ${cardVersion} matches` : ` (version ${cardVersion}; deployed version unknown)`}`,
    { measured, threshold, evidence },
  );
}
