import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InvalidDocumentError } from '../errors.js';
import { ROOT } from '../testing/cli.js';
import { parseSpec } from './parse.js';
import { canarySteps } from './rollout.js';

const BASE = '/srv/specs';

function spec(lines: string): string {
  return `apiVersion: mlops.greenlight.dev/v1alpha1
kind: BlueGreenDeployment
metadata:
  name: spam
spec:
  blue: { modelVersion: v1, model: models/v1.onnx }
  green: { modelVersion: v2, model: models/v2.onnx }
${lines}`;
}

function problemsOf(text: string): { path: string; expected: string; found: string }[] {
  try {
    parseSpec(text, BASE);
  } catch (err) {
    return (err as InvalidDocumentError).problems;
  }
  throw new Error('expected the spec to be rejected');
}

describe('spec.rollout.steps', () => {
  it('reads the seed example with durations, and the 100% step is the switch', () => {
    const s = parseSpec(
      spec(`  rollout:
    steps: [{ weight: 10, pause: 5m }, { weight: 50, pause: 10m }, { weight: 100 }]
`),
      BASE,
    );
    expect(s.rollout?.steps).toEqual([
      { weight: 10, pauseSeconds: 300 },
      { weight: 50, pauseSeconds: 600 },
      { weight: 100 },
    ]);
    expect(canarySteps(s)).toEqual([
      { weight: 10, pauseSeconds: 300 },
      { weight: 50, pauseSeconds: 600 },
    ]);
  });

  it('defaults to no steps (one atomic switch); a last 100 is implied; no pause waits for promote', () => {
    expect(parseSpec(spec(''), BASE).rollout).toEqual({ steps: [] });
    const s = parseSpec(spec('  rollout: { steps: [{ weight: 25 }] }\n'), BASE);
    expect(canarySteps(s)).toEqual([{ weight: 25 }]);
  });

  it('names the step and what was expected for bad weights and pauses', () => {
    expect(
      problemsOf(
        spec(`  rollout:
    steps:
      - { weight: 50, pause: 1m }
      - { weight: 20, pause: 1m }
      - { weight: 0 }
      - { weight: 100, pause: 1m }
      - { weigth: 3 }
`),
      ),
    ).toEqual([
      {
        path: 'spec.rollout.steps[1].weight',
        expected: "a weight above the previous step's 50 (weights increase)",
        found: 'number 20 (line 11)',
      },
      {
        path: 'spec.rollout.steps[2].weight',
        expected: 'a whole number between 1 and 100',
        found: 'number 0 (line 12)',
      },
      {
        path: 'spec.rollout.steps[3].pause',
        expected: 'no pause on the 100% step (it is the switch; observation.window watches after it)',
        found: 'number 60 (line 13)',
      },
      {
        path: 'spec.rollout.steps[4].weigth',
        expected: 'a known field (did you mean "weight"?)',
        found: 'unknown field "weigth" (line 14)',
      },
      {
        path: 'spec.rollout.steps[4].weight',
        expected: 'a whole number between 1 and 100',
        found: 'nothing (in spec.rollout.steps[4] at line 14)',
      },
    ]);
  });

  it('examples/spam-classifier-staged.yaml parses as written', () => {
    const dir = join(ROOT, 'examples');
    const s = parseSpec(readFileSync(join(dir, 'spam-classifier-staged.yaml'), 'utf8'), dir);
    expect(canarySteps(s)).toEqual([
      { weight: 10, pauseSeconds: 20 },
      { weight: 50, pauseSeconds: 20 },
    ]);
    expect(s.observation.baselineReplicas).toBe(1);
  });

  it('reads observation.baselineReplicas (at least 1)', () => {
    expect(
      parseSpec(spec('  observation: { baselineReplicas: 1 }\n'), BASE).observation.baselineReplicas,
    ).toBe(1);
    expect(problemsOf(spec('  observation: { baselineReplicas: 0 }\n'))).toEqual([
      {
        path: 'spec.observation.baselineReplicas',
        expected: 'a whole number between 1 and 64',
        found: 'number 0 (line 8)',
      },
    ]);
  });
});
