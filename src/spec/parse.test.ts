import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { InvalidDocumentError } from '../errors.js';
import { ROOT } from '../testing/cli.js';
import { parseSpec, specFromObject } from './parse.js';
import { ALL_GATES } from './validation-defaults.js';

const BASE = '/srv/specs';

/** A spec with only what has no default; `spec` lines are appended under `spec:`. */
function minimal(specLines = ''): string {
  return `apiVersion: mlops.greenlight.dev/v1alpha1
kind: BlueGreenDeployment
metadata:
  name: spam
spec:
  blue:
    modelVersion: v1
    model: models/v1.onnx
  green:
    modelVersion: v2
    model: models/v2.onnx
${specLines}`;
}

function problemsOf(text: string, opts = {}): { path: string; expected: string; found: string }[] {
  try {
    parseSpec(text, BASE, opts);
  } catch (err) {
    expect((err as InvalidDocumentError).code).toBe('GL_INVALID_DOCUMENT');
    return (err as InvalidDocumentError).problems;
  }
  throw new Error('expected the spec to be rejected');
}

describe('the DESIGN.md local spec', () => {
  const file = join(ROOT, 'examples', 'spam-classifier.yaml');

  it('parses as written, with paths relative to the spec file', () => {
    const spec = parseSpec(readFileSync(file, 'utf8'), join(ROOT, 'examples'));
    const models = join(ROOT, 'models');
    expect(spec).toMatchObject({
      apiVersion: 'mlops.greenlight.dev/v1alpha1',
      kind: 'BlueGreenDeployment',
      name: 'spam-classifier',
      serviceName: 'model-server',
      namespace: 'default',
      blue: {
        deploymentName: 'model-server-blue',
        replicas: 2,
        modelVersion: 'v1',
        model: join(models, 'spam-v1.onnx'),
        enabled: true,
      },
      green: {
        deploymentName: 'model-server-green',
        replicas: 2,
        modelVersion: 'v2',
        model: join(models, 'spam-v2.onnx'),
        modelCard: join(models, 'spam-v2.card.yaml'),
        enabled: true,
      },
      validation: {
        enabled: true,
        samples: join(models, 'samples.jsonl'),
        source: 'both',
        shadowTrafficSampleSize: 150,
        agreementThreshold: 0.95,
        maxDriftScore: 0.15,
        healthCheckWaitSeconds: 30,
        healthCheckRetries: 5,
        latency: { p95Ms: 50, maxRegressionRatio: 1.2 },
      },
      autoSwitch: { enabled: true, switchAfterValidationPasses: true, switchDelaySeconds: 5 },
      observation: { window: 30, rollbackOnAlert: true },
      teardown: { maxGreenErrors: 100 },
      observability: { metricsPort: 9090, logsPath: join(ROOT, 'examples', 'greenlight.log') },
    });
    expect(spec.blue.modelCard).toBeUndefined();
    expect(spec.validation.latency.p99Ms).toBeUndefined();
  });

  const design = '/work/shared/DESIGN.md';
  it.skipIf(!existsSync(design))('is the spec printed in DESIGN.md, byte for byte in its YAML', () => {
    const block = /```yaml\n(apiVersion[\s\S]*?)```/.exec(readFileSync(design, 'utf8'))?.[1];
    const example = readFileSync(file, 'utf8').replace(/^#.*\n/gm, '');
    expect(example).toBe(block);
  });

  it('the demo (`npm start`) applies it with only validation settings changed', () => {
    const examples = join(ROOT, 'examples');
    const read = (name: string) => parseSpec(readFileSync(join(examples, name), 'utf8'), examples);
    const design = read('spam-classifier.yaml');
    const demo = read('demo-spam-v2.yaml');
    expect(demo.validation).toMatchObject({
      shadowTrafficSampleSize: 400,
      latency: { p95Ms: 250, maxRegressionRatio: 1.2 },
    });
    const { validation: demoValidation, ...demoRest } = demo;
    const { validation: designValidation, ...designRest } = design;
    expect(demoRest).toEqual(designRest);
    expect({
      ...demoValidation,
      shadowTrafficSampleSize: designValidation.shadowTrafficSampleSize,
      latency: designValidation.latency,
    }).toEqual(designValidation);
  });

  it('the second demo rollout puts the candidate in the idle slot (blue) with green active', () => {
    const spec = parseSpec(readFileSync(join(ROOT, 'examples', 'demo-spam-v3-regressed.yaml'), 'utf8'), '/e');
    expect(spec.blue).toMatchObject({
      modelVersion: 'v3-regressed',
      model: '/models/spam-v3-regressed.onnx',
    });
    expect(spec.blue.modelCard).toBe('/models/spam-v3-regressed.card.yaml');
    expect(spec.green).toMatchObject({ modelVersion: 'v2', model: '/models/spam-v2.onnx' });
  });

  it('the kubernetes example parses for the kubernetes platform', () => {
    const text = readFileSync(join(ROOT, 'examples', 'spam-classifier-kubernetes.yaml'), 'utf8');
    const spec = parseSpec(text, '/e', { platform: 'kubernetes' });
    expect(spec).toMatchObject({ namespace: 'ml', observation: { window: 604800, source: 'prometheus' } });
    expect(spec.validation.gates).not.toContain('modelCard');
    // Without an explicit platform it is inferred from the images.
    expect(parseSpec(text, '/e').green.image).toContain('model-server');
    expect(problemsOf(text, { platform: 'local' }).map((p) => p.path)).toEqual([
      'spec.blue.model',
      'spec.green.model',
    ]);
  });
});

describe('gates and their input', () => {
  it('listing modelCard without a green card is a spec error; with a card the default includes it', () => {
    expect(() => parseSpec(minimal('  validation:\n    gates: [health, modelCard]\n'), BASE)).toThrow(
      'spec.validation.gates[1]: expected a gate that has its input: modelCard needs spec.green.modelCard (give the card, or drop the gate), found string "modelCard"',
    );
    const withCard = parseSpec(
      minimal().replace('model: models/v2.onnx', 'model: models/v2.onnx\n    modelCard: c.yaml'),
      BASE,
    );
    expect(withCard.validation.gates).toEqual(ALL_GATES);
  });
});

describe('defaults', () => {
  it('follow the seed where it gives values', () => {
    const spec = parseSpec(minimal(), BASE);
    expect(spec).toMatchObject({
      name: 'spam',
      namespace: 'default',
      serviceName: 'spam',
      readyTimeoutSeconds: 300,
      blue: { deploymentName: 'spam-blue', replicas: 3, model: '/srv/specs/models/v1.onnx', enabled: true },
      green: { deploymentName: 'spam-green', replicas: 3, enabled: true },
      validation: {
        enabled: true,
        // no green modelCard: the default asks only for the gates that have their input
        gates: ALL_GATES.filter((g) => g !== 'modelCard'),
        source: 'shadow',
        shadowTrafficSampleSize: 150,
        agreementThreshold: 0.95,
        scoreTolerance: 0.05,
        maxDriftScore: 0.15,
        healthCheckWaitSeconds: 30,
        healthCheckRetries: 5,
        latency: { maxRegressionRatio: 1.2 },
        distribution: { wassersteinThreshold: 0.15 },
      },
      autoSwitch: { enabled: true, switchAfterValidationPasses: true, switchDelaySeconds: 60 },
      observation: {
        window: 7 * 86400,
        rollbackOnAlert: true,
        source: 'metrics',
        rules: {
          latencyRegression: { enabled: true, ratio: 1.2, forSeconds: 120 },
          errorRate: { enabled: true, threshold: 0.01, forSeconds: 60 },
          notReady: { enabled: true, forSeconds: 60 },
          confidenceShift: { enabled: true, psiThreshold: 0.25, forSeconds: 120 },
        },
      },
      teardown: { maxGreenErrors: 100 },
      observability: { metricsPort: 9090 },
    });
    expect(spec.validation.samples).toBeUndefined();
    expect(spec.platform).toBeUndefined();
  });

  it('derive from other fields: wasserstein from maxDriftScore, namespace from metadata', () => {
    const spec = parseSpec(
      minimal('  validation:\n    maxDriftScore: 0.3\n').replace(
        '  name: spam\n',
        '  name: spam\n  namespace: ml\n',
      ),
      BASE,
    );
    expect(spec.validation.distribution.wassersteinThreshold).toBe(0.3);
    expect(spec.namespace).toBe('ml');
  });

  it('a spec namespace wins over metadata, and explicit values are kept', () => {
    const spec = parseSpec(
      minimal(
        '  namespace: production\n  validation:\n    distribution: { wassersteinThreshold: 0.2 }\n    source: samples\n    samples: s.jsonl\n',
      ),
      BASE,
    );
    expect(spec.namespace).toBe('production');
    expect(spec.validation.distribution.wassersteinThreshold).toBe(0.2);
    expect(spec.validation.source).toBe('samples');
  });
});

describe('durations', () => {
  it('accept seconds or unit strings everywhere a duration is expected', () => {
    const spec = parseSpec(
      minimal(`  readyTimeoutSeconds: 2m
  autoSwitch: { switchDelaySeconds: 500ms }
  observation:
    window: 1h30m
    intervalSeconds: 2
    rules:
      errorRate: { for: 45s }
  teardown: { drainTimeoutSeconds: "10" }
`),
      BASE,
    );
    expect(spec.readyTimeoutSeconds).toBe(120);
    expect(spec.autoSwitch.switchDelaySeconds).toBe(0.5);
    expect(spec.observation.window).toBe(5400);
    expect(spec.observation.intervalSeconds).toBe(2);
    expect(spec.observation.rules.errorRate.forSeconds).toBe(45);
    expect(spec.teardown.drainTimeoutSeconds).toBe(10);
  });

  it('reject other text with the accepted forms in the message', () => {
    expect(problemsOf(minimal('  observation: { window: 2 weeks }\n'))).toEqual([
      {
        path: 'spec.observation.window',
        expected: 'a duration: seconds, or a string like "500ms", "30s", "2m", "1h", "7d"',
        found: 'string "2 weeks" (line 12)',
      },
    ]);
  });
});

describe('paths', () => {
  it('are resolved against the base directory unless absolute', () => {
    const spec = parseSpec(
      minimal('  validation: { samples: ../data/s.jsonl }\n  observability: { logsPath: /var/log/gl.log }\n'),
      BASE,
    );
    expect(spec.blue.model).toBe('/srv/specs/models/v1.onnx');
    expect(spec.validation.samples).toBe('/srv/data/s.jsonl');
    expect(spec.observability.logsPath).toBe('/var/log/gl.log');
  });
});

describe('a bad spec gets every problem at once', () => {
  it('type errors, unknown fields and missing fields, in document order, with lines', () => {
    const text = `apiVersion: mlops.greenlight.dev/v1alpha1
kind: BlueGreenDeploymnet
metadata:
  name: Spam_Classifier
spec:
  blue:
    replicas: two
    model: m.onnx
  green:
    modelVersion: 2.1
    model: m2.onnx
    enabeld: true
  validaton:
    agreementThreshold: 0.9
  validation:
    agreementThreshold: high
    gates: [health, latncy]
  autoSwitch:
    enabled: "yes"
`;
    expect(problemsOf(text)).toEqual([
      {
        path: 'kind',
        expected: 'one of "BlueGreenDeployment" (did you mean "BlueGreenDeployment"?)',
        found: 'string "BlueGreenDeploymnet" (line 2)',
      },
      {
        path: 'metadata.name',
        expected: 'a string: lowercase letters, digits and "-", at most 63 characters (a Kubernetes name)',
        found: 'string "Spam_Classifier" (line 4)',
      },
      { path: 'spec.blue.modelVersion', expected: 'a string', found: 'nothing (in spec.blue at line 6)' },
      {
        path: 'spec.blue.replicas',
        expected: 'a whole number between 1 and 64',
        found: 'string "two" (line 7)',
      },
      {
        path: 'spec.green.modelVersion',
        expected: 'a string (quote it: "2.1")',
        found: 'number 2.1 (line 10)',
      },
      {
        path: 'spec.green.enabeld',
        expected: 'a known field (did you mean "enabled"?)',
        found: 'unknown field "enabeld" (line 12)',
      },
      {
        path: 'spec.validaton',
        expected: 'a known field (did you mean "validation"?)',
        found: 'unknown field "validaton" (line 13)',
      },
      {
        path: 'spec.validation.agreementThreshold',
        expected: 'a number between 0 and 1, both excluded',
        found: 'string "high" (line 16)',
      },
      {
        path: 'spec.validation.gates[1]',
        expected:
          'one of "health", "agreement", "schema", "distribution", "modelCard", "latency", "resources" (did you mean "latency"?)',
        found: 'string "latncy" (line 17)',
      },
      { path: 'spec.autoSwitch.enabled', expected: 'true or false', found: 'string "yes" (line 19)' },
    ]);
  });

  it('the error message lists them all, one per line', () => {
    try {
      parseSpec(
        minimal('  teardown: { maxGreenErrors: -1 }\n  observability: { metricsPort: 70000 }\n'),
        BASE,
        {
          source: 'x.yaml',
        },
      );
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toBe(
        'spec x.yaml is invalid:\n' +
          '  spec.teardown.maxGreenErrors: expected a whole number of at least 0, found number -1 (line 12)\n' +
          '  spec.observability.metricsPort: expected a whole number between 1 and 65535, found number 70000 (line 13)',
      );
    }
  });

  it('wrong shapes: a list where a mapping belongs, a mapping where a number belongs', () => {
    expect(problemsOf(minimal('  validation: [a, b]\n  teardown: { maxGreenErrors: { a: 1 } }\n'))).toEqual([
      { path: 'spec.validation', expected: 'a mapping', found: 'a list of 2 (line 12)' },
      {
        path: 'spec.teardown.maxGreenErrors',
        expected: 'a whole number of at least 0',
        found: 'a mapping (line 13)',
      },
    ]);
  });

  it('cross-field rules: distinct deployment names, samples for a samples source, a Prometheus URL', () => {
    const text = minimal(`  validation: { source: samples }
  observation: { source: prometheus }
`)
      .replace('    modelVersion: v2\n', '    modelVersion: v2\n    deploymentName: same\n')
      .replace('    modelVersion: v1\n', '    modelVersion: v1\n    deploymentName: same\n');
    expect(problemsOf(text).map((p) => [p.path, p.expected])).toEqual([
      [
        'spec.green.deploymentName',
        'a name different from spec.blue.deploymentName (the two slots are separate deployments)',
      ],
      ['spec.validation.samples', 'a samples file, because validation.source is "samples"'],
      ['spec.observation.prometheusUrl', 'a Prometheus URL, because observation.source is "prometheus"'],
    ]);
  });

  it('the platform decides which of model and image a slot needs', () => {
    const noModel = minimal().replace('    model: models/v2.onnx\n', '');
    expect(problemsOf(noModel)).toEqual([
      {
        path: 'spec.green.model',
        expected:
          'a file path (an ONNX file greenlight serves) or spec.green.command (your own server); kubernetes specs set image instead',
        found: 'nothing (in spec.green at line 9)',
      },
    ]);
    expect(problemsOf(minimal(), { platform: 'kubernetes' }).map((p) => p.path)).toEqual([
      'spec.blue.image',
      'spec.green.image',
    ]);
    expect(problemsOf(minimal('  platform: kubernetes\n')).map((p) => p.path)).toEqual([
      'spec.blue.image',
      'spec.green.image',
    ]);
  });

  it('cross-field rules are reported together with field errors, never twice for one field', () => {
    const text = minimal('  observation: { window: soon }\n')
      .replace('    model: models/v2.onnx\n', '')
      .replace('    model: models/v1.onnx\n', '    model: 42\n');
    expect(problemsOf(text).map((p) => `${p.path}: ${p.found}`)).toEqual([
      'spec.blue.model: number 42 (line 8)',
      'spec.green.model: nothing (in spec.green at line 9)',
      'spec.observation.window: string "soon" (line 11)',
    ]);
  });

  it('YAML syntax errors and duplicate keys name the line', () => {
    expect(problemsOf('spec:\n  blue: [\n')[0]).toMatchObject({
      path: expect.stringMatching(/^line \d+, column \d+$/),
      expected: 'valid YAML',
    });
    expect(problemsOf(minimal('  blue: {}\n'))[0]).toMatchObject({
      path: 'line 12, column 3',
      expected: 'valid YAML',
    });
  });

  it('an empty document names the four top-level fields', () => {
    expect(problemsOf('').map((p) => `${p.path}: ${p.found}`)).toEqual([
      'apiVersion: nothing',
      'kind: nothing',
      'metadata: nothing',
      'spec: nothing',
    ]);
  });

  it('null means not given', () => {
    expect(parseSpec(minimal('  validation:\n    samples:\n'), BASE).validation.samples).toBeUndefined();
    expect(problemsOf(minimal().replace('modelVersion: v1', 'modelVersion:'))[0]).toMatchObject({
      path: 'spec.blue.modelVersion',
      found: 'null (line 7)',
    });
  });
});

describe('specFromObject (a custom resource from the Kubernetes API)', () => {
  it('keeps unknown metadata, ignores status, checks the spec the same way', () => {
    const cr = {
      apiVersion: 'mlops.greenlight.dev/v1alpha1',
      kind: 'BlueGreenDeployment',
      metadata: { name: 'spam', namespace: 'ml', uid: 'abc', resourceVersion: '7', labels: { a: 'b' } },
      spec: { blue: { modelVersion: 'v1', image: 'img:1' }, green: { modelVersion: 'v2', image: 'img:2' } },
      status: { phase: 'Observing' },
    };
    const spec = specFromObject(cr, '/', { platform: 'kubernetes' });
    expect(spec).toMatchObject({ name: 'spam', namespace: 'ml', blue: { image: 'img:1', replicas: 3 } });
    expect(() => specFromObject({ ...cr, spec: { ...cr.spec, blue: { modelVersion: 1 } } }, '/')).toThrow(
      /spec.blue.modelVersion: expected a string \(quote it: "1"\), found number 1$/m,
    );
  });
});

describe('robustness', () => {
  it('any value of any type at any field gives a spec or an InvalidDocumentError, never a crash', () => {
    const base = parseDocumentObject(readFileSync(join(ROOT, 'examples', 'spam-classifier.yaml'), 'utf8'));
    const paths = leafPaths(base, []);
    const values: unknown[] = ['text', -1, 0.5, true, null, [1, 'a'], { x: 1 }];
    let rejected = 0;
    for (const path of paths) {
      for (const value of values) {
        const doc = structuredClone(base);
        setIn(doc, path, value);
        try {
          specFromObject(doc, '/e');
        } catch (err) {
          expect((err as InvalidDocumentError).code, `${path.join('.')} = ${JSON.stringify(value)}`).toBe(
            'GL_INVALID_DOCUMENT',
          );
          rejected++;
        }
      }
    }
    expect(paths.length).toBeGreaterThan(30);
    expect(rejected).toBeGreaterThan(paths.length * 4);
  });
});

function parseDocumentObject(text: string): Record<string, unknown> {
  return parse(text) as Record<string, unknown>;
}

function leafPaths(value: unknown, at: string[]): string[][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [at];
  return [at, ...Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...at, k]))].filter(
    (p) => p.length > 0,
  );
}

function setIn(doc: Record<string, unknown>, path: string[], value: unknown): void {
  let node = doc;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path[path.length - 1]] = value;
}
