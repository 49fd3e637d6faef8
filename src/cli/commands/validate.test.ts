import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JsonServer, startJsonServer } from '../../protocols/testing/json-server.js';
import { runCli } from '../../testing/cli.js';
import { deadPort, type FakeModelServer, startFakeModelServer } from '../../validation/fake-server.js';

// The real compiled CLI against tiny in-process servers: exit codes, one-line errors, JSON shape.
describe('greenlight validate', () => {
  let blue: FakeModelServer;
  let green: FakeModelServer;
  let contrarian: FakeModelServer;
  let dir: string;
  let samples: string;
  beforeAll(async () => {
    blue = await startFakeModelServer({ version: 'v1' });
    green = await startFakeModelServer({ version: 'v2' });
    contrarian = await startFakeModelServer({
      version: 'v3',
      predict: () => ({ label: 'spam', score: 0.99 }),
    });
    dir = await mkdtemp(join(tmpdir(), 'gl-validate-'));
    samples = join(dir, 'samples.jsonl');
    await writeFile(
      samples,
      Array.from({ length: 200 }, (_, i) => JSON.stringify({ text: i % 3 ? `hello ${i}` : `win ${i}` })).join(
        '\n',
      ),
    );
  });
  afterAll(async () => {
    await Promise.all([
      blue.close(),
      green.close(),
      contrarian.close(),
      rm(dir, { recursive: true, force: true }),
    ]);
  });

  const base = () => ['validate', '--blue', blue.url, '--samples', samples];

  it('exit 0 and a readable report when every gate run passes; progress on stderr', async () => {
    const r = await runCli([
      ...base(),
      '--green',
      green.url,
      '--gates',
      'health,agreement,schema,distribution',
    ]);
    expect(r.stderr).toContain('validating agreement…');
    expect(r.stdout).toMatch(/^PASS +agreement +agreement 66\/66 = 100%: SPRT accepted after 66 pairs$/m);
    expect(r.stdout).toContain('result: PASSED (4 passed, 0 failed, 0 inconclusive, 0 error)');
    expect(r.code).toBe(0);
  });

  it('exit 1 with --json when a gate fails', async () => {
    const r = await runCli([...base(), '--green', contrarian.url, '--gates', 'agreement', '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      status: string;
      results: { gate: string; status: string; evidence: { disagreements: unknown[] } }[];
    };
    expect(out.status).toBe('failed');
    expect(out.results[0]).toMatchObject({ gate: 'agreement', status: 'failed' });
    expect(out.results[0].evidence.disagreements.length).toBeGreaterThan(0);
  });

  it('exit 2 when a gate is inconclusive (no model card is a failure, an undecidable sample an inconclusive)', async () => {
    const r = await runCli([...base(), '--green', green.url, '--gates', 'agreement', '--sample-size', '20']);
    expect(r.stdout).toMatch(/^INCONCLUSIVE +agreement/m);
    expect(r.code).toBe(2);
  });

  it('a gate without its input (modelCard, no card given) is SKIP and does not fail the run', async () => {
    const r = await runCli([...base(), '--green', green.url, '--gates', 'health,modelCard']);
    expect(r.stdout).toMatch(/^SKIP +modelCard +skipped: no model card given for the candidate$/m);
    expect(r.stdout).toMatch(/^result: PASSED \(1 passed, 0 failed, 0 inconclusive, 0 error, 1 skipped\)$/m);
    expect(r.code, r.stdout).toBe(0);
  });

  it.each([
    [
      'an unreachable endpoint',
      async () => ['--green', `http://127.0.0.1:${await deadPort()}`],
      /green http:\/\/127\.0\.0\.1:\d+ is unreachable: connect ECONNREFUSED/,
    ],
    [
      'a malformed samples line',
      async () => ['--green', green.url, '--samples', await bad('{"text":"a"}\n{oops\n')],
      /line 2: expected a JSON object/,
    ],
    [
      'an empty samples file',
      async () => ['--green', green.url, '--samples', await bad('')],
      /expected at least one sample line/,
    ],
    [
      'a bad threshold',
      async () => ['--green', green.url, '--threshold', '2'],
      /bad threshold: --threshold: expected a number between 0 and 1, both excluded, found number 2/,
    ],
    ['a missing flag', async () => ['--samples', samples], /--green URL is required/],
  ])('exit 2 with one line for %s', async (_, extra, message) => {
    const r = await runCli([...base(), ...(await extra())]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it("--spec supplies thresholds and green's card and version; a bad spec threshold is one line, exit 2", async () => {
    const card = join(dir, 'card.yaml');
    await writeFile(
      card,
      'version: v2\nowner: me\napproved: true\ntraining_data: x\nknown_limitations: [y]\n',
    );
    const spec = (threshold: number) => `apiVersion: mlops.greenlight.dev/v1alpha1
kind: BlueGreenDeployment
metadata: { name: t }
spec:
  serviceName: s
  blue: { deploymentName: b, replicas: 1, modelVersion: "v1", model: ${join(dir, 'v1.onnx')} }
  green: { deploymentName: g, replicas: 1, modelVersion: "v2", model: ${join(dir, 'v2.onnx')}, modelCard: ${card}, enabled: true }
  validation: { agreementThreshold: ${threshold}, gates: [agreement, modelCard] }
`;
    const good = join(dir, 'good.yaml');
    await writeFile(good, spec(0.9));
    const ok = await runCli([...base(), '--green', green.url, '--spec', good, '--json']);
    expect(ok.code).toBe(0);
    const out = JSON.parse(ok.stdout) as { results: { gate: string; threshold: Record<string, unknown> }[] };
    expect(out.results.map((r) => r.gate)).toEqual(['agreement', 'modelCard']);
    expect(out.results[0].threshold.agreementThreshold).toBe(0.9);
    expect(out.results[1].threshold.version).toBe('v2');
    const badSpec = join(dir, 'bad.yaml');
    await writeFile(badSpec, spec(1.5));
    const r = await runCli([...base(), '--green', green.url, '--spec', badSpec]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('validation.agreementThreshold');
  });

  let n = 0;
  async function bad(text: string): Promise<string> {
    const p = join(dir, `bad-${n++}.jsonl`);
    await writeFile(p, text);
    return p;
  }
});

describe('greenlight validate --protocol', () => {
  let blue: JsonServer;
  let green: JsonServer;
  let dir: string;
  let samples: string;
  // KServe V1 servers of one sklearn-style classifier (class ids), ready at /v1/models/iris.
  const kserve = () =>
    startJsonServer(({ method, path, body }) => {
      if (method === 'GET' && path === '/') return { body: {} };
      if (method === 'GET' && path === '/v1/models/iris') return { body: { name: 'iris', ready: true } };
      if (method !== 'POST' || path !== '/v1/models/iris:predict') return undefined;
      const [[x]] = (body as { instances: number[][] }).instances;
      return { body: { predictions: [x > 0.5 ? 1 : 0] } };
    });
  beforeAll(async () => {
    [blue, green] = await Promise.all([kserve(), kserve()]);
    dir = await mkdtemp(join(tmpdir(), 'gl-validate-protocol-'));
    samples = join(dir, 'rows.jsonl');
    await writeFile(
      samples,
      Array.from({ length: 120 }, (_, i) => JSON.stringify({ input: [(i % 10) / 10, 1] })).join('\n'),
    );
  });
  afterAll(() => Promise.all([blue.close(), green.close(), rm(dir, { recursive: true, force: true })]));

  const args = (...more: string[]) => [
    'validate',
    '--blue',
    blue.url,
    '--green',
    green.url,
    '--samples',
    samples,
    ...more,
  ];

  it('talks to both servers in the named protocol and model name', async () => {
    const r = await runCli(
      args('--protocol', 'kserve-v1', '--model-name', 'iris', '--gates', 'health,agreement,schema'),
    );
    expect(r.stdout).toContain('result: PASSED (3 passed, 0 failed, 0 inconclusive, 0 error)');
    expect(r.code).toBe(0);
    const posts = green.requests.filter((q) => q.method === 'POST');
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((q) => q.path === '/v1/models/iris:predict')).toBe(true);
  });

  it('a row the protocol cannot send is one line naming it, exit 2, before any traffic', async () => {
    const before = blue.requests.length;
    const r = await runCli(args('--protocol', 'oip-v2', '--gates', 'agreement'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(
      `samples file ${samples}: line 1: input (blue, protocol oip-v2): expected an OIP "inputs" list, a request body {"inputs": [...]} or {"text": "…"}, found a list of 2 (and 19 more) [GL_INVALID_DOCUMENT]`,
    );
    expect(blue.requests.length).toBe(before);
  });

  it('unknown protocols and output kinds, and http-json without a spec, are usage errors', async () => {
    for (const [flags, message] of [
      [
        ['--protocol', 'grpc'],
        '--protocol: unknown protocol "grpc"; protocols are greenlight, oip-v2, tfserving, kserve-v1, http-json',
      ],
      [['--protocol', 'http-json'], '--protocol http-json needs a request template and response mapping'],
      [
        ['--output', 'ranking'],
        '--output: unknown output kind "ranking"; kinds are label, probabilities, regression',
      ],
    ] as const) {
      const r = await runCli(args(...flags));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});
