import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GreenlightError } from '../errors.js';
import type { FeatureConfig } from './features.js';
import { readModelInfo } from './model-file.js';
import { encodeModel } from './onnx-export.js';
import { createRandom } from './prng.js';

const features: FeatureConfig = {
  scheme: 'hashed-words-v1',
  dim: 8,
  maxChars: 100,
  bigrams: false,
  maxTokenLength: 30,
};
const layer = {
  inDim: 8,
  outDim: 2,
  weights: new Float32Array(16).fill(0.25),
  bias: new Float32Array(2),
  relu: false,
};

let dir: string;
let good: Uint8Array;

async function write(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

/** The good model with its metadata replaced. */
function withMetadata(props: Array<{ key: string; value: string }>): Uint8Array {
  const model = onnxProto.onnx.ModelProto.decode(good);
  model.metadataProps = props.map((p) => onnxProto.onnx.StringStringEntryProto.create(p));
  return onnxProto.onnx.ModelProto.encode(model).finish();
}

async function expectCode(path: string, code: string, message: RegExp): Promise<void> {
  const err = await readModelInfo(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GreenlightError);
  expect((err as GreenlightError).code).toBe(code);
  expect((err as Error).message).toMatch(message);
  expect((err as Error).message).not.toContain('\n');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gl-model-file-'));
  good = encodeModel({ layers: [layer], features, labels: ['ham', 'spam'], version: 'v7', docString: '' });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readModelInfo', () => {
  it('reads the features, labels, version and I/O names of a greenlight model', async () => {
    const path = await write('good.onnx', good);
    const info = await readModelInfo(path);
    expect(info).toMatchObject({
      features,
      labels: ['ham', 'spam'],
      version: 'v7',
      inputName: 'features',
      outputName: 'probabilities',
    });
    expect(info.bytes).toEqual(good);
  });

  it('reports a missing file as GL_MODEL_NOT_FOUND', async () => {
    await expectCode(join(dir, 'nope.onnx'), 'GL_MODEL_NOT_FOUND', /does not exist/);
  });

  it('reports a directory, an empty file and random bytes as GL_MODEL_INVALID', async () => {
    await expectCode(dir, 'GL_MODEL_INVALID', /cannot read/);
    await expectCode(await write('empty.onnx', new Uint8Array()), 'GL_MODEL_INVALID', /empty/);
    const random = createRandom(9);
    for (let k = 0; k < 20; k++) {
      const bytes = Uint8Array.from({ length: 64 + k * 97 }, () => Math.floor(random.next() * 256));
      await expectCode(await write(`random-${k}.onnx`, bytes), 'GL_MODEL_INVALID', /not usable/);
    }
  });

  it('reports every truncation of a real model as GL_MODEL_INVALID', async () => {
    for (const cut of [1, 10, 50, good.length >> 2, good.length >> 1, good.length - 20, good.length - 1]) {
      await expectCode(
        await write(`cut-${cut}.onnx`, good.subarray(0, cut)),
        'GL_MODEL_INVALID',
        /not usable/,
      );
    }
  });

  it('reports missing or malformed greenlight metadata', async () => {
    const labels = { key: 'greenlight.labels', value: '["ham","spam"]' };
    const feats = { key: 'greenlight.features', value: JSON.stringify(features) };
    await expectCode(await write('nometa.onnx', withMetadata([])), 'GL_MODEL_INVALID', /missing/);
    await expectCode(
      await write('badjson.onnx', withMetadata([labels, { key: 'greenlight.features', value: '{' }])),
      'GL_MODEL_INVALID',
      /not JSON/,
    );
    await expectCode(
      await write('badscheme.onnx', withMetadata([labels, { ...feats, value: '{"scheme":"x","dim":8}' }])),
      'GL_MODEL_INVALID',
      /unknown feature scheme/,
    );
    await expectCode(
      await write('badlabels.onnx', withMetadata([feats, { ...labels, value: '["spam"]' }])),
      'GL_MODEL_INVALID',
      /labels/,
    );
    await expectCode(
      await write(
        'baddim.onnx',
        withMetadata([labels, { ...feats, value: JSON.stringify({ ...features, dim: 16 }) }]),
      ),
      'GL_MODEL_INVALID',
      /takes 8 features but greenlight.features says dim 16/,
    );
    await expectCode(
      await write('badwidth.onnx', withMetadata([feats, { ...labels, value: '["ham","spam","eggs"]' }])),
      'GL_MODEL_INVALID',
      /2 columns but greenlight.labels lists 3/,
    );
    const noVersion = await readModelInfo(await write('noversion.onnx', withMetadata([feats, labels])));
    expect(noVersion.version).toBeUndefined();
  });
});
