import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, startModelServer } from '../server.js';
import { type Answer, testClient } from '../test-client.js';
import { OIP_DATATYPES } from './datatypes.js';
import { oipSchema } from './oip-schema.js';
import { encodeGraph, identityModel, ONNX_ELEM, type TestDatatype } from './test-models.js';

// Every OIP datatype through the real ONNX Runtime: one Identity per datatype, [N, 2] each.
const TYPES = OIP_DATATYPES as TestDatatype[];
/** Edge values of each datatype, exactly representable, so what comes back must be equal. */
const EDGES: Record<TestDatatype, unknown[]> = {
  BOOL: [true, false],
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 4294967295],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
  INT64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  FP16: [65504, -0.5],
  FP32: [3.4028234663852886e38, 0.25],
  FP64: [0.1, -1e300],
  BYTES: ['', 'héllo ✓'],
};

let dir: string;
const servers: ModelServer[] = [];
const check = oipSchema();

async function serve(file: string, bytes: Uint8Array, inferenceThread: boolean) {
  const path = join(dir, file);
  await writeFile(path, bytes);
  const server = await startModelServer({
    modelPath: path,
    version: 'v1',
    name: 'ident',
    warmup: 2,
    inferenceThread,
    log: () => {},
  });
  await server.ready;
  servers.push(server);
  return testClient(server.url);
}

let inline: ReturnType<typeof testClient>;
let threaded: ReturnType<typeof testClient>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gl-datatypes-'));
  inline = await serve('ident.onnx', identityModel(TYPES), false);
  threaded = await serve('ident2.onnx', identityModel(TYPES), true);
});

afterAll(async () => {
  await inline?.close();
  await threaded?.close();
  for (const s of servers) await s.close();
  await rm(dir, { recursive: true, force: true });
});

const tensor = (t: TestDatatype, data: unknown[], shape = [1, data.length]) => ({
  name: `x_${t}`,
  datatype: t,
  shape,
  data,
});
const allInputs = (over: Partial<Record<TestDatatype, unknown>> = {}) =>
  TYPES.map((t) => (over[t] as object) ?? tensor(t, EDGES[t]));

const expectBad = (a: Answer, message: RegExp) => {
  expect(a.status).toBe(400);
  expect(a.json.error).toMatch(message);
  expect(check('error_response', a.json)).toEqual([]);
};

describe.each([
  ['in-process', () => inline],
  ['inference thread', () => threaded],
])('every OIP datatype through ONNX Runtime (%s)', (_, client) => {
  it('lists each input and output with its OIP datatype and -1 for the dynamic batch', async () => {
    const a = await client().get('/v2/models/ident');
    expect(a.status).toBe(200);
    expect(check('metadata_model_response', a.json)).toEqual([]);
    expect(a.json.inputs).toEqual(TYPES.map((t) => ({ name: `x_${t}`, datatype: t, shape: [-1, 2] })));
    expect(a.json.outputs.map((o: { name: string }) => o.name)).toEqual(TYPES.map((t) => `y_${t}`));
  });

  it('returns exactly the values sent, for every datatype, in a response valid by the OIP schema', async () => {
    const body = { id: 'r1', inputs: allInputs() };
    expect(check('inference_request', body)).toEqual([]);
    const a = await client().post('/v2/models/ident/infer', body);
    expect(a.status).toBe(200);
    expect(check('inference_response', a.json)).toEqual([]);
    expect(a.json).toMatchObject({ model_name: 'ident', model_version: 'v1', id: 'r1' });
    for (const t of TYPES) {
      const out = a.json.outputs.find((o: { name: string }) => o.name === `y_${t}`);
      expect(out, t).toEqual({ name: `y_${t}`, datatype: t, shape: [1, 2], data: EDGES[t] });
    }
  });

  it('rounds FP32 and FP16 values to the type, as the runtime stores them', async () => {
    const a = await client().post('/v2/models/ident/infer', {
      inputs: allInputs({ FP32: tensor('FP32', [0.1, 1 / 3]), FP16: tensor('FP16', [0.1, 1000.3]) }),
      outputs: [{ name: 'y_FP32' }, { name: 'y_FP16' }],
    });
    expect(a.status).toBe(200);
    expect(a.json.outputs).toEqual([
      { name: 'y_FP32', datatype: 'FP32', shape: [1, 2], data: [Math.fround(0.1), Math.fround(1 / 3)] },
      { name: 'y_FP16', datatype: 'FP16', shape: [1, 2], data: [0.0999755859375, 1000.5] },
    ]);
  });

  it('accepts nested row-major data and answers only the outputs asked for, in that order', async () => {
    const a = await client().post('/v2/models/ident/infer', {
      inputs: allInputs({
        INT32: tensor(
          'INT32',
          [
            [1, 2],
            [3, 4],
          ],
          [2, 2],
        ),
      }).map((x) =>
        (x as { name: string }).name === 'x_INT32'
          ? x
          : {
              ...(x as object),
              shape: [2, 2],
              data: [...(x as { data: unknown[] }).data, ...(x as { data: unknown[] }).data],
            },
      ),
      outputs: [{ name: 'y_INT32' }, { name: 'y_BOOL' }],
    });
    expect(a.status).toBe(200);
    expect(a.json.outputs).toEqual([
      { name: 'y_INT32', datatype: 'INT32', shape: [2, 2], data: [1, 2, 3, 4] },
      { name: 'y_BOOL', datatype: 'BOOL', shape: [2, 2], data: [true, false, true, false] },
    ]);
  });

  it.each([
    [
      '300 into INT8',
      { INT8: tensor('INT8', [300, 1]) },
      /input "x_INT8" data\[0\] must be an integer in \[-128, 127\] \(INT8\), found number 300/,
    ],
    [
      '-1 into UINT8',
      { UINT8: tensor('UINT8', [-1, 1]) },
      /"x_UINT8" data\[0\] must be an integer in \[0, 255\]/,
    ],
    ['1.5 into INT32', { INT32: tensor('INT32', [1, 1.5]) }, /"x_INT32" data\[1\] must be an integer/],
    [
      '2^53 into INT64 (already rounded by JSON)',
      { INT64: tensor('INT64', [2 ** 53, 0]) },
      /"x_INT64" data\[0\] must be an integer in .*2\^53 - 1.*found number 9007199254740992/,
    ],
    [
      'a string into FP32',
      { FP32: tensor('FP32', ['NaN', 1]) },
      /"x_FP32" data\[0\] must be a number .*\(FP32\), found "NaN"/,
    ],
    [
      '1e39 into FP32 (would be Infinity)',
      { FP32: tensor('FP32', [1e39, 1]) },
      /"x_FP32" data\[0\] must be a number of magnitude at most 3.4/,
    ],
    [
      '70000 into FP16',
      { FP16: tensor('FP16', [70000, 1]) },
      /"x_FP16" data\[0\] must be a number of magnitude at most 65504/,
    ],
    ['1 into BOOL', { BOOL: tensor('BOOL', [1, true]) }, /"x_BOOL" data\[0\] must be true or false/],
    [
      'a list inside flat data',
      { INT32: tensor('INT32', [1, [2]]) },
      /"x_INT32" data\[1\] must be an integer .*found a list of 1/,
    ],
    ['a number into BYTES', { BYTES: tensor('BYTES', ['a', 2]) }, /"x_BYTES" data\[1\] must be a string/],
    [
      'the wrong datatype',
      { INT16: { ...tensor('INT16', [1, 2]), datatype: 'INT32' } },
      /input "x_INT16" must have datatype INT16, found "INT32"/,
    ],
    [
      'an unknown datatype',
      { INT16: { ...tensor('INT16', [1, 2]), datatype: 'BF16' } },
      /input "x_INT16" must have datatype INT16, found "BF16"/,
    ],
    [
      'the wrong rank',
      { INT16: tensor('INT16', [1, 2], [2]) },
      /input "x_INT16" must have shape \[N, 2\], found \[2\]/,
    ],
    [
      'the wrong fixed size',
      { INT16: tensor('INT16', [1, 2, 3], [1, 3]) },
      /input "x_INT16" must have shape \[N, 2\], found \[1,3\]/,
    ],
    [
      'a batch size different from the others',
      { INT16: tensor('INT16', [1, 2, 3, 4], [2, 2]) },
      /input "x_INT16" has N = 2 \(dimension 0\) but input "x_BOOL" has N = 1/,
    ],
    [
      'fewer elements than the shape',
      { INT16: tensor('INT16', [1], [1, 2]) },
      /input "x_INT16" has shape \[1,2\] \(2 elements\) but 1 elements in data/,
    ],
    [
      'a negative dimension',
      { INT16: tensor('INT16', [1, 2], [-1, 2]) },
      /input "x_INT16" shape must be a list of non-negative integers/,
    ],
    [
      'binary data',
      { INT16: { ...tensor('INT16', [1, 2]), parameters: { binary_data_size: 8 } } },
      /binary tensor extension/,
    ],
  ])('rejects %s with 400 naming the input and what it expected', async (_, over, message) => {
    expectBad(await client().post('/v2/models/ident/infer', { inputs: allInputs(over as never) }), message);
  });

  it.each([
    [
      { inputs: [...allInputs(), { name: 'x_extra', datatype: 'FP32', shape: [1], data: [1] }] },
      /unknown input "x_extra": the model takes "x_BOOL", /,
    ],
    [{ inputs: allInputs().slice(1) }, /missing input "x_BOOL"/],
    [{ inputs: [...allInputs(), tensor('BOOL', [true, true])] }, /input "x_BOOL" is given twice/],
    [
      { inputs: allInputs(), outputs: [{ name: 'nope' }] },
      /unknown output "nope": the model has outputs "y_BOOL"/,
    ],
    [
      { inputs: allInputs(), outputs: [{ name: 'y_BOOL', parameters: { binary_data: true } }] },
      /binary tensor extension/,
    ],
    [{ inputs: allInputs(), outputs: [] }, /"outputs" must be a non-empty list/],
    [{ inputs: allInputs(), parameters: 3 }, /"parameters" must be an object/],
    [{ inputs: allInputs(), id: 7 }, /"id" must be a string/],
    [{ inputs: {} }, /"inputs" must be a non-empty list/],
  ])('rejects the request %j with 400', async (body, message) => {
    expectBad(await client().post('/v2/models/ident/infer', body), message);
  });

  it('refuses an int64 literal that JSON parsing would round, sent as written', async () => {
    const others = allInputs().filter((x) => (x as { name: string }).name !== 'x_INT64');
    const raw = JSON.stringify({ inputs: others }).replace(
      /]}$/,
      ',{"name":"x_INT64","datatype":"INT64","shape":[1,2],"data":[9007199254740993,1]}]}',
    );
    expectBad(
      await client().post('/v2/models/ident/infer', raw),
      /"x_INT64" data\[0\] must be an integer in/,
    );
  });

  it('answers /predict with 404 pointing to the OIP endpoint', async () => {
    const a = await client().post('/predict', { text: 'hello' });
    expect(a.status).toBe(404);
    expect(a.json.error).toMatch(/not a greenlight text model.*POST \/v2\/models\/ident\/infer/);
  });
});

describe('a value declared without any shape', () => {
  it('is listed as [-1], accepts any shape, and turns batching off', async () => {
    const bytes = encodeGraph({
      inputs: [{ name: 'x', elem: ONNX_ELEM.FP64 }],
      outputs: [{ name: 'y', elem: ONNX_ELEM.FP64 }],
      nodes: [{ opType: 'Identity', input: ['x'], output: ['y'] }],
    });
    const path = join(dir, 'unshaped.onnx');
    await writeFile(path, bytes);
    const notes: string[] = [];
    const server = await startModelServer({
      modelPath: path,
      version: 'v1',
      warmup: 1,
      log: (l) => notes.push(l),
    });
    servers.push(server);
    await server.ready;
    const client = testClient(server.url);
    try {
      const meta = (await client.get('/v2/models/model')).json;
      expect(meta.inputs).toEqual([{ name: 'x', datatype: 'FP64', shape: [-1] }]);
      expect(notes).toEqual(['dynamic batching off, one request per run: input x declares no shape']);
      for (const shape of [[3], [2, 2], []]) {
        const data = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i / 3);
        const a = await client.post('/v2/models/model/infer', {
          inputs: [{ name: 'x', datatype: 'FP64', shape, data }],
        });
        expect(a.json.outputs).toEqual([{ name: 'y', datatype: 'FP64', shape, data }]);
      }
    } finally {
      await client.close();
    }
  });
});
