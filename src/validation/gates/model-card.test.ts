import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelCardGate } from './model-card.js';

const GOOD = `name: spam-v2
version: v2
owner: ml-platform@example
approved: true
training_data:
  source: corpus
known_limitations:
  - english only
`;

describe('model card gate', () => {
  let dir: string;
  const write = async (name: string, text: string) => {
    const p = join(dir, name);
    await writeFile(p, text);
    return p;
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gl-card-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes a complete, approved card whose version matches', async () => {
    const r = await modelCardGate({ cardPath: await write('good.yaml', GOOD), deployedVersion: 'v2' });
    expect(r.status).toBe('passed');
  });

  it('fails an unapproved card', async () => {
    const r = await modelCardGate({
      cardPath: await write('unapproved.yaml', GOOD.replace('approved: true', 'approved: false')),
      deployedVersion: 'v2',
    });
    expect(r.status).toBe('failed');
    expect(r.summary).toContain('approved is false, not true');
  });

  it('"approved: yes" as a string is not approval', async () => {
    const r = await modelCardGate({
      cardPath: await write('yes.yaml', GOOD.replace('approved: true', 'approved: "yes"')),
      deployedVersion: 'v2',
    });
    expect(r.status).toBe('failed');
  });

  it('fails a version mismatch', async () => {
    const r = await modelCardGate({ cardPath: await write('good2.yaml', GOOD), deployedVersion: 'v3' });
    expect(r.status).toBe('failed');
    expect(r.summary).toContain('card version v2 ≠ deployed version v3');
  });

  it('names every missing field', async () => {
    const r = await modelCardGate({
      cardPath: await write('thin.yaml', 'version: v2\napproved: true\nowner: ""\n'),
      deployedVersion: 'v2',
    });
    expect(r.status).toBe('failed');
    expect(r.evidence.missing).toEqual([
      'owner (owner)',
      'trainingData (training_data)',
      'limitations (known_limitations)',
    ]);
  });

  it('fails when there is no card, the file is missing, or it is not YAML', async () => {
    expect((await modelCardGate({ deployedVersion: 'v2' })).status).toBe('failed');
    expect((await modelCardGate({ cardPath: join(dir, 'nope.yaml') })).summary).toMatch(/cannot be read/);
    expect((await modelCardGate({ cardPath: await write('bad.yaml', 'a: [1, 2\n') })).summary).toMatch(
      /not valid YAML/,
    );
    expect((await modelCardGate({ cardPath: await write('list.yaml', '- 1\n') })).summary).toMatch(
      /not a YAML mapping/,
    );
  });
});
