import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../testing/cli.js';
import { type ModelServer, startModelServer } from '../server.js';
import { sileroVadPath, vadChunk, vadRequest } from './third-party-models.js';

// A model nobody here wrote, served by `greenlight serve` over OIP v2 on two servers, put through
// the real `greenlight validate` against itself: every gate that needs no card must pass.
describe('greenlight validate: Silero VAD against itself over OIP v2', () => {
  const servers: ModelServer[] = [];
  let dir: string;
  let samples: string;

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const s = await startModelServer({
        modelPath: sileroVadPath(),
        version: 'v1',
        name: 'vad',
        log: () => {},
      });
      await s.ready;
      servers.push(s);
    }
    dir = await mkdtemp(join(tmpdir(), 'gl-vad-'));
    samples = join(dir, 'samples.jsonl');
    // Quiet, mid and loud chunks, so the speech probability spreads over its range.
    const rows = Array.from({ length: 160 }, (_, k) => ({
      input: vadRequest(vadChunk(k, [0.01, 0.2, 0.9][k % 3])).inputs,
      slice: ['quiet', 'mid', 'loud'][k % 3],
    }));
    await writeFile(samples, rows.map((r) => JSON.stringify(r)).join('\n'));
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('passes health, schema, agreement and distribution on the speech probability', async () => {
    const [blue, green] = servers;
    const r = await runCli([
      'validate',
      ...['--blue', blue.url, '--green', green.url, '--samples', samples],
      ...['--protocol', 'oip-v2', '--model-name', 'vad', '--output', 'regression'],
      ...['--gates', 'health,schema,agreement,distribution', '--json'],
    ]);
    const report = JSON.parse(r.stdout) as { results: { gate: string; status: string; summary: string }[] };
    const statuses = Object.fromEntries(report.results.map((g) => [g.gate, g.status]));
    expect(statuses, report.results.map((g) => g.summary).join('\n')).toEqual({
      health: 'passed',
      schema: 'passed',
      agreement: 'passed',
      distribution: 'passed',
    });
    expect(r.code).toBe(0);
  }, 120_000);
});
