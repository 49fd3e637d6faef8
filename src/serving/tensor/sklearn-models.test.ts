import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEBIAN_PYTHON, hasPythonModules, missing } from '../../testing/requires.js';
import { type ModelServer, startModelServer } from '../server.js';
import { testClient } from '../test-client.js';
import { oipSchema } from './oip-schema.js';

// Models built the way scikit-learn users export them (ai.onnx.ml LinearClassifier, ZipMap), by
// Debian's python with the onnx package, and one trained by scikit-learn on its iris data set.
const haveOnnx = hasPythonModules('onnx', 'numpy');
const haveSklearn = haveOnnx && hasPythonModules('sklearn');
const script = fileURLToPath(new URL('./fixtures/sklearn_models.py', import.meta.url));
const check = oipSchema();

let dir: string;
// biome-ignore lint/suspicious/noExplicitAny: the python script's JSON
let expected: any;
const servers: ModelServer[] = [];
const clients: Array<ReturnType<typeof testClient>> = [];

beforeAll(() => {
  if (!haveOnnx) return;
  dir = mkdtempSync(join(tmpdir(), 'gl-sklearn-'));
  execFileSync(DEBIAN_PYTHON, [script, dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
});

afterAll(async () => {
  for (const c of clients) await c.close();
  for (const s of servers) await s.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function serve(file: string) {
  const notes: string[] = [];
  const server = await startModelServer({
    modelPath: join(dir, file),
    version: 'v1',
    name: 'clf',
    warmup: 2,
    log: (line) => notes.push(line),
  });
  await server.ready;
  servers.push(server);
  const client = testClient(server.url);
  clients.push(client);
  return { client, notes };
}

const X = [
  [5.1, 3.5, 1.4, 0.2],
  [6.2, 2.9, 4.3, 1.3],
  [7.7, 3.0, 6.1, 2.3],
  [0, 0, 0, 0],
];
const infer = (rows: number[][], extra: object = {}) => ({
  inputs: [{ name: 'float_input', datatype: 'FP32', shape: [rows.length, 4], data: rows.flat() }],
  ...extra,
});

/** The LinearClassifier's definition with SOFTMAX, computed here: scores = x·Wᵀ + b, then softmax. */
function softmaxScores(x: number[], coef: number[][], intercept: number[]): number[] {
  const z = coef.map((w, k) => w.reduce((s, wj, j) => s + wj * Math.fround(x[j]), intercept[k]));
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

describe.skipIf(missing(haveOnnx, 'scikit-learn-style ONNX models', 'apt-get install python3-onnx'))(
  'ONNX models exported the scikit-learn way, served over OIP v2',
  () => {
    it('LinearClassifier without ZipMap: label INT64 and probabilities FP32, as the operator defines them', async () => {
      const { client, notes } = await serve('linear.onnx');
      const meta = (await client.get('/v2/models/clf')).json;
      expect(check('metadata_model_response', meta)).toEqual([]);
      expect(meta.inputs).toEqual([{ name: 'float_input', datatype: 'FP32', shape: [-1, 4] }]);
      expect(meta.outputs).toEqual([
        { name: 'label', datatype: 'INT64', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
      ]);
      expect(meta.parameters).toEqual({ metadata: { kind: 'linear' }, class_labels: [0, 1, 2] });
      expect(notes).toEqual([]); // batchable, nothing left out

      const a = await client.post('/v2/models/clf/infer', infer(X));
      expect(a.status).toBe(200);
      expect(check('inference_response', a.json)).toEqual([]);
      const [label, probabilities] = a.json.outputs;
      expect(label).toMatchObject({ name: 'label', datatype: 'INT64', shape: [4] });
      expect(probabilities).toMatchObject({ name: 'probabilities', datatype: 'FP32', shape: [4, 3] });
      const { coef, intercept } = expected.linear;
      X.forEach((x, i) => {
        const want = softmaxScores(x, coef, intercept);
        const got = probabilities.data.slice(i * 3, i * 3 + 3);
        for (let k = 0; k < 3; k++) expect(got[k]).toBeCloseTo(want[k], 6);
        expect(label.data[i]).toBe(want.indexOf(Math.max(...want)));
      });
    });

    it('LinearClassifier with ZipMap: the sequence of maps is left out with one log note, the label is served', async () => {
      const { client, notes } = await serve('linear-zipmap.onnx');
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatch(
        /model output "output_probability" is left out .*: it is of type seq\(map\(int64,tensor\(float\)\)\), which OIP v2 cannot carry/,
      );
      const meta = (await client.get('/v2/models/clf')).json;
      expect(meta.outputs).toEqual([{ name: 'output_label', datatype: 'INT64', shape: [-1] }]);
      const a = await client.post('/v2/models/clf/infer', infer(X.slice(0, 2)));
      expect(a.status).toBe(200);
      const { coef, intercept } = expected.linear;
      const argmax = (x: number[]) => {
        const p = softmaxScores(x, coef, intercept);
        return p.indexOf(Math.max(...p));
      };
      expect(a.json.outputs).toEqual([
        { name: 'output_label', datatype: 'INT64', shape: [2], data: X.slice(0, 2).map(argmax) },
      ]);
      const asked = await client.post(
        '/v2/models/clf/infer',
        infer(X, { outputs: [{ name: 'output_probability' }] }),
      );
      expect(asked.status).toBe(400);
      expect(asked.json.error).toMatch(/output "output_probability" is not served: of type seq\(map/);
    });

    it.skipIf(
      missing(haveSklearn, 'the iris model trained by scikit-learn', 'apt-get install python3-sklearn'),
    )('a LogisticRegression trained on iris answers what scikit-learn predicts', async () => {
      const { client } = await serve('iris.onnx');
      const meta = (await client.get('/v2/models/clf')).json;
      expect(meta.parameters.class_labels).toEqual(['setosa', 'versicolor', 'virginica']);
      expect(meta.parameters.metadata).toEqual({ dataset: 'sklearn iris', estimator: 'LogisticRegression' });
      const { rows, labels, probabilities } = expected.iris;
      const a = await client.post('/v2/models/clf/infer', infer(rows));
      expect(a.status).toBe(200);
      const [label, probs] = a.json.outputs;
      expect(label).toEqual({ name: 'output_label', datatype: 'BYTES', shape: [rows.length], data: labels });
      const flat: number[] = probabilities.flat();
      expect(probs.data).toHaveLength(flat.length);
      for (let i = 0; i < flat.length; i++) expect(probs.data[i]).toBeCloseTo(flat[i], 5);
    });
  },
);
