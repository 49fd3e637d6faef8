import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../../testing/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gl-spec-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('greenlight spec check', () => {
  it('exits 0 for the example spec and shows both slots', async () => {
    const r = await runCli(['spec', 'check', join(ROOT, 'examples', 'spam-classifier.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('valid BlueGreenDeployment "spam-classifier"');
    expect(r.stdout).toMatch(/blue\s+v1 × 2/);
    expect(r.stdout).toMatch(/green\s+v2 × 2/);
  });

  it('exits 1 listing every problem; --json carries them as data', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'apiVersion: mlops.greenlight.dev/v1alpha1\nkind: BlueGreenDeployment\nmetadata: { name: x }\nspec:\n  blue: { modelVersion: v1, model: a.onnx, replicas: 0 }\n  green: { modelVersion: v2, model: b.onnx }\n  validation: { agreementThreshold: high }\n',
    );
    const text = await runCli(['spec', 'check', file]);
    expect(text.code, text.stderr).toBe(1);
    expect(text.stdout).toContain(
      'spec.blue.replicas: expected a whole number between 1 and 64, found number 0',
    );
    expect(text.stdout).toContain(
      'spec.validation.agreementThreshold: expected a number between 0 and 1, both excluded, found string "high"',
    );
    const json = await runCli(['spec', 'check', file, '--json']);
    expect(json.code, json.stderr).toBe(1);
    expect(JSON.parse(json.stdout).problems.map((p: { path: string }) => p.path)).toEqual([
      'spec.blue.replicas',
      'spec.validation.agreementThreshold',
    ]);
  });

  it('warns about files that do not exist, exits 2 for an unreadable spec', async () => {
    const file = join(dir, 'missing-models.yaml');
    writeFileSync(
      file,
      'apiVersion: mlops.greenlight.dev/v1alpha1\nkind: BlueGreenDeployment\nmetadata: { name: x }\nspec:\n  blue: { modelVersion: v1, model: nope-1.onnx }\n  green: { modelVersion: v2, model: nope-2.onnx }\n',
    );
    const r = await runCli(['spec', 'check', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).warnings).toEqual([
      `spec.blue.model: ${join(dir, 'nope-1.onnx')} does not exist (yet)`,
      `spec.green.model: ${join(dir, 'nope-2.onnx')} does not exist (yet)`,
      expect.stringMatching(
        /^spec\.validation\.shadowTrafficSampleSize: shadowTrafficSampleSize 150 is below the \d+ pairs .*; use shadowTrafficSampleSize: \d+$/,
      ),
    ]);
    expect(JSON.parse(r.stdout).sampleSize).toMatchObject({ fixedN: 185, cap: 150 });
    const text = await runCli(['spec', 'check', file]);
    expect(text.stdout).toContain('sample sizes: a fixed-n test needs 185 pairs');
    expect(text.stdout).toMatch(/^ +0\.990 \| +\d+ \| +\d+ \| +[\d.]+% +[\d.]+% +[\d.]+%$/m);
    const gone = await runCli(['spec', 'check', join(dir, 'gone.yaml')]);
    expect(gone.code, gone.stderr).toBe(2);
    expect(gone.stderr).toContain('GL_SPEC_NOT_FOUND');
  });
});

describe('greenlight spec schema', () => {
  it('prints the JSON Schema, and the CRD form with --crd', async () => {
    const plain = JSON.parse((await runCli(['spec', 'schema'])).stdout);
    expect(plain.title).toBe('BlueGreenDeployment');
    const crd = JSON.parse((await runCli(['spec', 'schema', '--crd'])).stdout);
    expect(crd.properties.spec.properties.observation.properties.window['x-kubernetes-int-or-string']).toBe(
      true,
    );
  });
});
