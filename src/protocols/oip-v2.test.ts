import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protocolDefaults } from '../spec/server.js';
import { ensureModels } from '../testing/models.js';
import { serveModel, stopProcess } from '../testing/serve.js';
import { readSamples, type Sample } from '../validation/pairs/samples-file.js';
import { runValidation } from '../validation/run.js';
import { oipV2Protocol } from './oip-v2.js';
import type { DecodeError } from './protocol.js';
import { type JsonServer, startJsonServer } from './testing/json-server.js';
import { allPassed, byGate, protocolSpec, statuses, validateWith } from './testing/validate.js';

const OIP_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
];

/**
 * The tensor object of the OIP REST spec (kserve/open-inference-protocol inference_rest.md,
 * "Request Input" / "Response Output"): a string name, an OIP datatype, an int shape, and as
 * many data elements as the shape holds (flat or nested).
 */
function tensorProblems(t: unknown, where: string): string[] {
  const o = t as { name?: unknown; datatype?: unknown; shape?: unknown; data?: unknown };
  const p: string[] = [];
  if (typeof o?.name !== 'string') p.push(`${where}.name is not a string`);
  if (!OIP_DATATYPES.includes(String(o?.datatype)))
    p.push(`${where}.datatype ${String(o?.datatype)} is not an OIP datatype`);
  if (!Array.isArray(o?.shape) || !o.shape.every((d) => Number.isInteger(d) && d >= 0))
    p.push(`${where}.shape is not a list of sizes`);
  else if (
    !Array.isArray(o.data) ||
    o.data.flat(8).length !== o.shape.reduce((a: number, b: number) => a * b, 1)
  )
    p.push(`${where}.data does not hold shape ${JSON.stringify(o.shape)}`);
  return p;
}

describe('protocol oip-v2', () => {
  const server = protocolDefaults('oip-v2', 'model');
  const protocol = oipV2Protocol(server);

  it('sends the inputs list, a whole request, or the text shorthand as one BYTES tensor', () => {
    const inputs = [{ name: 'x', datatype: 'FP32', shape: [1, 2], data: [1, 2] }];
    expect(protocol.encode(inputs)).toEqual({
      method: 'POST',
      path: '/v2/models/model/infer',
      body: { inputs },
    });
    const full = { id: 'a', inputs, outputs: [{ name: 'y' }] };
    expect(protocol.encode(full).body).toBe(full);
    const text = protocol.encode({ text: 'hello' });
    expect(text.body).toEqual({ inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], data: ['hello'] }] });
    expect(tensorProblems((text.body as { inputs: unknown[] }).inputs[0], 'inputs[0]')).toEqual([]);
    expect(() => protocol.encode([1, 2])).toThrow(/expected an OIP "inputs" list/);
    expect(() => protocol.encode({ text: 'a', extra: 1 })).toThrow(/found an object/);
  });

  it('reads outputs by type without a mapping: BYTES label + score, sklearn label + probabilities, a regression value', () => {
    const greenlight = {
      model_name: 'model',
      outputs: [
        { name: 'label', datatype: 'BYTES', shape: [1], data: ['spam'] },
        { name: 'score', datatype: 'FP32', shape: [1], data: [0.93] },
      ],
    };
    expect(protocol.decode(greenlight, 'label')).toEqual({ label: 'spam', score: 0.93 });
    const sklearn = {
      outputs: [
        { name: 'output_label', datatype: 'INT64', shape: [1], data: [1] },
        { name: 'output_probability', datatype: 'FP32', shape: [1, 2], data: [[0.25, 0.75]] },
      ],
    };
    expect(protocol.decode(sklearn, 'label')).toEqual({ label: '1' });
    expect(protocol.decode(sklearn, 'probabilities')).toEqual({
      probabilities: [0.25, 0.75],
      classes: ['0', '1'],
      label: '1',
      score: 0.75,
    });
    const onlyProbs = {
      outputs: [{ name: 'probs', datatype: 'FP32', shape: [1, 3], data: [0.1, 0.2, 0.7] }],
    };
    expect(protocol.decode(onlyProbs, 'label')).toMatchObject({ label: '2', score: 0.7 });
    const reg = { outputs: [{ name: 'variable', datatype: 'FP64', shape: [1, 1], data: [42.5] }] };
    expect(protocol.decode(reg, 'regression')).toEqual({ value: 42.5 });
  });

  it('a mapping names output tensors (or JSON paths); one that matches nothing lists the outputs', () => {
    const named = oipV2Protocol({
      ...server,
      response: { probabilities: 'output_probability', classes: ['ham', 'spam'] },
    });
    const body = {
      outputs: [{ name: 'output_probability', datatype: 'FP32', shape: [1, 2], data: [0.4, 0.6] }],
    };
    expect(named.decode(body, 'probabilities')).toMatchObject({ label: 'spam', score: 0.6 });
    const wrong = oipV2Protocol({
      ...server,
      response: { probabilities: 'output_probability', label: 'label' },
    });
    const e = wrong.decode(body, 'probabilities') as DecodeError;
    expect(e.message).toContain(
      'response mapping label "label": matches no output tensor (outputs: output_probability)',
    );
    const path = oipV2Protocol({ ...server, response: { value: 'outputs[0].data[1]' } });
    expect(path.decode(body, 'regression')).toEqual({ value: 0.6 });
    const none = protocol.decode({ error: 'model not found' }, 'label') as DecodeError;
    expect(none.message).toBe(
      'response mapping outputs: matches nothing (no outputs list); the response was {"error":"model not found"}',
    );
  });

  describe('against greenlight serve (the example text models over OIP v2)', () => {
    let v1: { url: string; child: ChildProcess } | undefined;
    let v2: { url: string; child: ChildProcess } | undefined;
    let changed: JsonServer;
    let samples: Sample[];
    beforeAll(async () => {
      const dir = await ensureModels();
      samples = await readSamples(join(dir, 'samples.jsonl'));
      [v1, v2] = await Promise.all([
        serveModel(join(dir, 'spam-v1.onnx'), 'v1'),
        serveModel(join(dir, 'spam-v2.onnx'), 'v2'),
      ]);
      // A candidate whose signature changed: scores became FP64 and the text input a [N, 1] matrix.
      changed = await startJsonServer((r) => {
        if (r.path === '/v2/health/live' || r.path === '/v2/health/ready') return { body: {} };
        if (r.path === '/v2') return { body: { name: 'other', version: '1', extensions: [] } };
        if (r.path === '/v2/models/model')
          return {
            body: {
              name: 'model',
              versions: ['9'],
              platform: 'other',
              inputs: [{ name: 'text', datatype: 'BYTES', shape: [-1, 1] }],
              outputs: [
                { name: 'label', datatype: 'BYTES', shape: [-1] },
                { name: 'score', datatype: 'FP64', shape: [-1] },
              ],
            },
          };
        if (r.path === '/v2/models/model/infer')
          return {
            body: {
              model_name: 'model',
              outputs: [
                { name: 'label', datatype: 'BYTES', shape: [1], data: ['ham'] },
                { name: 'score', datatype: 'FP64', shape: [1], data: [0.9] },
              ],
            },
          };
        return undefined;
      });
    }, 300_000);
    afterAll(async () => {
      await Promise.all([stopProcess(v1?.child), stopProcess(v2?.child), changed?.close()]);
    });

    it('validates v2 against v1 over OIP: infer, health at /v2/health/*, the same model metadata', async () => {
      const spec = protocolSpec();
      spec.shadowTrafficSampleSize = 300; // what the sample-size calculation asks at the defaults (docs/validation.md)
      const results = await validateWith(server, v1?.url ?? '', v2?.url ?? '', samples, { spec });
      expect(statuses(results)).toEqual(allPassed());
      const g = byGate(results);
      expect(g.schema?.summary).toContain('same /v2/models/model/infer fields and types');
      expect(g.schema?.summary).toContain('same OIP metadata');
      // the SPRT cannot pass on fewer agreeing pairs at the defaults: ln(0.8 / 0.05) / ln(0.97 / 0.93) ≈ 66
      expect(g.agreement?.measured.compared).toBeGreaterThanOrEqual(66);
    }, 120_000);

    it('answers follow the published tensor schema', async () => {
      const req = protocol.encode({ text: samples[0].text });
      const res = await fetch(`${v1?.url}${req.path}`, {
        method: req.method,
        body: JSON.stringify(req.body),
        headers: { 'content-type': 'application/json' },
      });
      const body = (await res.json()) as { outputs: unknown[]; model_name: unknown };
      expect(res.status).toBe(200);
      expect(typeof body.model_name).toBe('string');
      expect(body.outputs.flatMap((t, i) => tensorProblems(t, `outputs[${i}]`))).toEqual([]);
      expect(protocol.decode(body, 'label')).toMatchObject({ label: expect.stringMatching(/^(ham|spam)$/) });
    });

    it('a FastAPI-style /predict baseline and an OIP candidate: each decoded by its own protocol', async () => {
      const spec = protocolSpec(['health', 'agreement', 'schema']);
      spec.shadowTrafficSampleSize = 300;
      const g = byGate(
        await runValidation({
          spec,
          baseline: v1?.url ?? '',
          candidate: v2?.url ?? '',
          samples,
          baselineServer: protocolDefaults('greenlight'),
          candidateServer: server,
        }),
      );
      expect(g.agreement?.status).toBe('passed');
      expect(g.schema?.status).toBe('passed');
      expect(g.schema?.evidence).toMatchObject({ compares: 'predictions (greenlight → oip-v2)' });
    }, 120_000);

    it('a candidate whose signature changed fails the schema gate with the tensor diff as evidence', async () => {
      const g = byGate(
        await validateWith(server, v1?.url ?? '', changed.url, samples, { spec: protocolSpec(['schema']) }),
      );
      expect(g.schema?.status).toBe('failed');
      expect(g.schema?.summary).toContain(
        'OIP metadata of "model" differs: input "text" shape [-1] → [-1,1], output "score" datatype "FP32" → "FP64"',
      );
      expect(g.schema?.evidence.oip).toMatchObject({
        same: false,
        diff: [
          { kind: 'input', name: 'text', change: 'shape', baseline: [-1], candidate: [-1, 1] },
          { kind: 'output', name: 'score', change: 'datatype', baseline: 'FP32', candidate: 'FP64' },
        ],
      });
    });
  });
});
