import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../testing/cli.js';
import { ensureModels } from '../../testing/models.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gl-models-cli-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('greenlight models build', () => {
  it('prints usage with --help', async () => {
    const r = await runCli(['models', 'build', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('greenlight models build [--out DIR] [--json]');
  });

  it('rejects an unknown flag and an unusable output directory with exit 2 and one line', async () => {
    const bad = await runCli(['models', 'build', '--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const blocked = await runCli(['models', 'build', '--out', join(file, 'sub')]);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toContain('GL_MODELS_OUT_DIR');
  });

  it('builds into --out, prints a JSON summary and progress, and matches an earlier build byte for byte', async () => {
    const out = join(dir, 'models');
    const r = await runCli(['models', 'build', '--out', out, '--json'], { timeoutMs: 170_000 });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/training v1 .*\n.*v1: accuracy 0\.9\d+/);
    const summary = JSON.parse(r.stdout);
    expect(summary.outDir).toBe(out);
    expect(summary.samples.count).toBeGreaterThan(1000);
    expect(summary.models.map((m: { version: string }) => m.version)).toEqual([
      'v1',
      'v2',
      'v3-regressed',
      'v3-slow',
      'v3-skewed',
    ]);
    const cached = await ensureModels();
    const files = (await readdir(out)).sort();
    expect(files).toHaveLength(11);
    for (const f of files) {
      const [a, b] = await Promise.all([readFile(join(out, f)), readFile(join(cached, f))]);
      expect(a.equals(b), `${f} differs between two builds`).toBe(true);
    }
  }, 180_000);
});
