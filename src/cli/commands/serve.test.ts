import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sileroVadPath, vadChunk, vadRequest } from '../../serving/tensor/third-party-models.js';
import { testClient } from '../../serving/test-client.js';
import { runCli, spawnCli } from '../../testing/cli.js';
import { ensureModels } from '../../testing/models.js';

let dir: string;
let tmp: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await ensureModels();
  tmp = mkdtempSync(join(tmpdir(), 'greenlight-serve-'));
});

afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

/** Spawn `greenlight serve …` and resolve with the URL it prints once listening. */
function serve(
  args: string[],
): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawnCli(['serve', ...args]);
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[^ ]+) \(model (\S+) version (\S+)\)/.exec(out);
      if (m) resolve({ child, url: m[1], exited });
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code} before listening: ${out}`)));
  });
}

async function until(cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition never held');
}

describe('greenlight serve', () => {
  it('drains on SIGTERM: every request accepted before it completes 200, then exit 0', async () => {
    const model = join(dir, 'spam-v1.onnx');
    // A long queue delay keeps the requests in flight until SIGTERM flushes the batch.
    const { child, url, exited } = await serve([
      ...['--model', model, '--version', 'v7', '--name', 'spam', '--port', '0', '--warmup', '2'],
      ...['--max-queue-delay-ms', '10000', '--max-batch-size', '1000'],
    ]);
    const client = testClient(url, 32);
    try {
      await until(async () => (await client.get('/ready')).status === 200);
      const n = 20;
      const pending = Array.from({ length: n }, (_, i) =>
        client.post('/predict', { text: `message ${i} FREE` }),
      );
      await until(async () =>
        /model_server_active_requests\{version="v7"\} 20\n/.test((await client.get('/metrics')).text),
      );
      child.kill('SIGTERM');
      child.kill('SIGTERM'); // a repeated signal must not cut the drain short
      const answers = await Promise.all(pending);
      expect(answers.map((a) => a.status)).toEqual(Array(n).fill(200));
      expect(
        answers.every((a) => a.json.model_version === 'v7' && a.headers['x-model-version'] === 'v7'),
      ).toBe(true);
      expect(await exited).toBe(0);
    } finally {
      await client.close();
    }
  });

  it.each([
    ['a missing model file', () => join(tmp, 'nope.onnx'), /does not exist/],
    ['a file that is not ONNX', () => write('garbage.onnx', 'this is not a model\n'), /not usable/],
    [
      'random bytes',
      () => write('random.onnx', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37 + 11) % 256))),
      /not usable/,
    ],
  ])('exits non-zero with one line for %s, never listening', async (_, file, reason) => {
    const r = await runCli(['serve', '--model', file(), '--version', 'v1', '--port', '0'], {
      timeoutMs: 60_000,
    });
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toMatch(/listening/);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(reason);
  });

  it('serves a model that is not a greenlight text model over OIP v2, warmed up with --warmup-request', async () => {
    const request = join(tmp, 'vad-warmup.json');
    writeFileSync(request, JSON.stringify(vadRequest(vadChunk(0))));
    const { child, url, exited } = await serve([
      '--model',
      sileroVadPath(),
      '--version',
      'v4',
      '--name',
      'vad',
      '--port',
      '0',
      '--warmup-request',
      request,
    ]);
    const client = testClient(url);
    try {
      for (let i = 0; i < 500 && (await client.get('/ready')).status !== 200; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect((await client.get('/ready')).json).toMatchObject({ ready: true });
      const a = await client.post('/v2/models/vad/infer', vadRequest(vadChunk(1)));
      expect(a.status).toBe(200);
      expect(a.json.outputs.map((o: { name: string }) => o.name)).toEqual(['output', 'hn', 'cn']);
      expect((await client.post('/predict', { text: 'hi' })).status).toBe(404);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('exits 2 with one line naming the input when --warmup-request does not fit the model', async () => {
    const request = join(tmp, 'bad-warmup.json');
    writeFileSync(
      request,
      JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP64', shape: [1], data: [1] }] }),
    );
    const r = await runCli([
      'serve',
      '--model',
      sileroVadPath(),
      '--version',
      'v1',
      '--port',
      '0',
      '--warmup-request',
      request,
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toMatch(/listening/);
    expect(r.stderr.trim().split('\n')).toEqual([
      'greenlight serve: the warm-up request is not valid for this model: input "input" must have datatype FP32, found "FP64" [GL_WARMUP_REQUEST]',
    ]);
  });

  it('refuses missing flags with a usage error', async () => {
    const r = await runCli(['serve', '--version', 'v1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--model/);
  });
});

function write(name: string, content: string | Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}
