import { describe, expect, it } from 'vitest';
import type { InvalidDocumentError } from '../errors.js';
import { parseSpec, specFromObject } from './parse.js';
import { DEFAULT_OUTPUT, protocolDefaults } from './server.js';

const BASE = '/srv/specs';

/** A spec whose slots run the user's own server; `extra` lines go under `spec:`. */
function own(extra = '', blue = '', green = ''): string {
  return `apiVersion: mlops.greenlight.dev/v1alpha1
kind: BlueGreenDeployment
metadata: { name: byo }
spec:
  blue:
    modelVersion: v1
    command: [python3, app.py, --port, "{port}", --version, "{version}"]
${blue}  green:
    modelVersion: v2
    command: [python3, app.py, --port, "{port}"]
${green}${extra}`;
}

const HTTP_JSON = `  server:
    protocol: http-json
    readiness: { path: /ready, status: 200, jsonField: status, equals: ok }
    health: { path: /healthz }
    request: { path: /v1/predict, template: { features: "$input" } }
    response: { label: prediction, score: "probabilities.max" }
`;

function problemsOf(text: string, opts = {}): string[] {
  try {
    parseSpec(text, BASE, opts);
  } catch (err) {
    return (err as InvalidDocumentError).problems.map(
      (p) => `${p.path}: expected ${p.expected}, found ${p.found}`,
    );
  }
  throw new Error('expected the spec to be rejected');
}

describe("slots that run the user's own server", () => {
  it('command, env and cwd parse; cwd is relative to the spec file; every slot gets a whole server section', () => {
    const spec = parseSpec(
      own(HTTP_JSON, '    env: { MODEL_SEED: "1", PORT: "{port}" }\n    cwd: ../app\n'),
      BASE,
    );
    expect(spec.blue).toMatchObject({
      command: ['python3', 'app.py', '--port', '{port}', '--version', '{version}'],
      env: { MODEL_SEED: '1', PORT: '{port}' },
      cwd: '/srv/app',
    });
    expect(spec.green.cwd).toBeUndefined();
    for (const c of ['blue', 'green'] as const) {
      expect(spec[c].server).toEqual({
        protocol: 'http-json',
        modelName: 'model',
        health: { path: '/healthz', status: 200 },
        readiness: { path: '/ready', status: 200, jsonField: 'status', equals: 'ok' },
        request: { method: 'POST', path: '/v1/predict', template: { features: '$input' } },
        response: { label: 'prediction', score: 'probabilities.max' },
      });
    }
    expect(spec.output).toEqual(DEFAULT_OUTPUT);
  });

  it('a slot server overrides the spec server key by key, over the protocol defaults', () => {
    const spec = parseSpec(
      own(
        '  server: { protocol: oip-v2, modelName: iris }\n',
        '',
        '    server: { readiness: { path: /v2/models/iris/ready } }\n',
      ),
      BASE,
    );
    expect(spec.blue.server).toEqual(protocolDefaults('oip-v2', 'iris'));
    expect(spec.green.server).toEqual({
      ...protocolDefaults('oip-v2', 'iris'),
      readiness: { path: '/v2/models/iris/ready', status: 200 },
    });
  });

  it("a model slot without any server section speaks greenlight's protocol; output defaults to labels", () => {
    const spec = parseSpec(
      `apiVersion: mlops.greenlight.dev/v1alpha1
kind: BlueGreenDeployment
metadata: { name: spam }
spec:
  blue: { modelVersion: v1, model: v1.onnx }
  green: { modelVersion: v2, model: v2.onnx }
  output: { kind: probabilities, probabilityTolerance: 0.1 }
`,
      BASE,
    );
    expect(spec.blue.server).toEqual(protocolDefaults('greenlight'));
    expect(spec.output).toEqual({ ...DEFAULT_OUTPUT, kind: 'probabilities', probabilityTolerance: 0.1 });
  });

  it('a resolved server section is itself a valid slot server (the parsed spec is stored and re-read)', () => {
    const first = parseSpec(own(HTTP_JSON), BASE);
    const doc = {
      apiVersion: first.apiVersion,
      kind: first.kind,
      metadata: { name: 'byo' },
      spec: {
        blue: { modelVersion: 'v1', command: first.blue.command, server: first.blue.server },
        green: { modelVersion: 'v2', command: first.green.command, server: first.green.server },
      },
    };
    const again = specFromObject(JSON.parse(JSON.stringify(doc)), BASE);
    expect(again.blue.server).toEqual(first.blue.server);
    expect(again.green.server).toEqual(first.green.server);
  });

  it('bad values name the field, what was expected and what was found', () => {
    const text = own(
      '  server: { protocol: grpc, readiness: { path: ready, status: 2000 } }\n',
      '    env: { PORT: 8080, LIST: [a] }\n',
      '    cwd: ""\n',
    ).replace('command: [python3, app.py, --port, "{port}"]', 'command: []');
    expect(problemsOf(text)).toEqual([
      'spec.blue.env.PORT: expected a string (quote it: "8080"), found number 8080 (line 8)',
      'spec.blue.env.LIST: expected a string, found a list of 1 (line 8)',
      'spec.green.command: expected a non-empty list of strings, each not empty, found a list of 0 (line 11)',
      'spec.green.cwd: expected a file path, found string "" (line 12)',
      'spec.server.protocol: expected one of "greenlight", "oip-v2", "tfserving", "kserve-v1", "http-json", found string "grpc" (line 13)',
      'spec.server.readiness.path: expected a string: an absolute URL path starting with "/", found string "ready" (line 13)',
      'spec.server.readiness.status: expected a whole number between 100 and 599, found number 2000 (line 13)',
    ]);
  });
});

describe('rules across the slot and server fields', () => {
  it('the local platform needs exactly one of model and command in an enabled slot', () => {
    const both = own('', '    model: v1.onnx\n');
    expect(problemsOf(both)).toEqual([
      'spec.blue.command: expected either model (greenlight serves the ONNX file) or command (your own server), not both, found both model and command (line 7)',
    ]);
    const neither = own().replace('    command: [python3, app.py, --port, "{port}"]\n', '');
    expect(problemsOf(neither)).toEqual([
      'spec.green.model: expected a file path (an ONNX file greenlight serves) or spec.green.command (your own server); kubernetes specs set image instead, found nothing (in spec.green at line 8)',
    ]);
    // A disabled slot may run nothing: it is never rolled out.
    expect(() =>
      parseSpec(
        `${neither.replace('    modelVersion: v2\n', '    modelVersion: v2\n    enabled: false\n')}`,
        BASE,
      ),
    ).not.toThrow();
  });

  it('kubernetes needs an image per enabled slot; command is a local field', () => {
    expect(problemsOf(own(), { platform: 'kubernetes' })).toEqual([
      'spec.blue.image: expected a container image: the kubernetes platform runs one (local specs set model or command instead), found nothing (in spec.blue at line 5)',
      'spec.green.image: expected a container image: the kubernetes platform runs one (local specs set model or command instead), found nothing (in spec.green at line 8)',
    ]);
  });

  it('http-json needs a request path and a response mapping of the output kind, named once where to write them', () => {
    expect(problemsOf(own('  server: { protocol: http-json }\n'))).toEqual([
      'spec.server.request: expected a request section with a path (protocol http-json sends each sample there), found nothing (in spec.server at line 11)',
      'spec.server.response: expected a response mapping with response.label (and optionally response.score) (protocol http-json, output.kind label), found nothing (in spec.server at line 11)',
    ]);
    const wrongKind = own(`${HTTP_JSON}  output: { kind: regression }\n`);
    expect(problemsOf(wrongKind)).toEqual([
      'spec.server.response: expected response.value, because output.kind is regression, found only response.label, response.score (line 16)',
    ]);
    const slotLevel = own(
      HTTP_JSON,
      '',
      '    server: { response: { probabilities: probs, classes: [a, b] } }\n',
    );
    expect(problemsOf(slotLevel)).toEqual([
      'spec.green.server.response: expected response.label (and optionally response.score), because output.kind is label, found only response.probabilities, response.classes (line 11)',
    ]);
  });

  it('JSON paths that cannot be read are refused where they are written', () => {
    const text = own(
      HTTP_JSON.replace('label: prediction', 'label: "predictions[x]"'),
      '',
      '    server: { readiness: { path: /s, jsonField: "a..b", equals: 1 } }\n',
    );
    expect(problemsOf(text)).toEqual([
      'spec.green.server.readiness.jsonField: expected a JSON path: keys joined by "." and list indices in brackets, e.g. "predictions[0].label" (also ["key"] and a leading "$."), found string "a..b" (line 11)',
      'spec.server.response.label: expected a JSON path: keys joined by "." and list indices in brackets, e.g. "predictions[0].label" (also ["key"] and a leading "$."), found string "predictions[x]" (line 17)',
    ]);
  });

  it('a request template without "$input" and a half-written probe are refused', () => {
    const text = own(
      HTTP_JSON.replace('template: { features: "$input" }', 'template: { features: [] }').replace(
        'jsonField: status, equals: ok',
        'jsonField: status',
      ),
    );
    expect(problemsOf(text)).toEqual([
      "spec.server.readiness.equals: expected equals beside jsonField (the answer's field and the value it must have), found nothing (in spec.server.readiness at line 13)",
      'spec.server.request.template: expected a JSON body with the string "$input" where the sample\'s input goes, found no "$input" in {"features":[]} (line 15)',
    ]);
  });
});
