import { describe, expect, it } from 'vitest';
import { specToJsonSchema } from './json-schema.js';
import { parseSpec } from './parse.js';
import type { ValidationSpec } from './types.js';
import { defaultValidationSpec } from './validation-defaults.js';
import { validationProblems } from './validation-problems.js';

// biome-ignore lint/suspicious/noExplicitAny: walks arbitrary JSON Schema nodes
type Schema = Record<string, any>;

/** Bounds of a number under JSON Schema 2020-12 (exclusive bounds are numbers). */
function jsonSchemaAccepts(s: Schema, v: number): boolean {
  const node = s.anyOf ? s.anyOf[0] : s;
  if (node.type === 'integer' && !Number.isInteger(v)) return false;
  if (node.minimum !== undefined && v < node.minimum) return false;
  if (node.exclusiveMinimum !== undefined && v <= node.exclusiveMinimum) return false;
  if (node.maximum !== undefined && v > node.maximum) return false;
  return node.exclusiveMaximum === undefined || v < node.exclusiveMaximum;
}

/** Bounds of a number under OpenAPI 3.0 (the CRD): exclusive bounds are flags beside min/max. */
function crdAccepts(s: Schema, v: number): boolean {
  if (s.type === 'integer' && !Number.isInteger(v)) return false;
  if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) return false;
  return s.maximum === undefined || (s.exclusiveMaximum ? v < s.maximum : v <= s.maximum);
}

function at(schema: Schema, path: string[]): Schema {
  let node = schema.properties.spec.properties.validation;
  for (const k of path) node = node.properties[k];
  return node;
}

function yamlOf(path: string[], v: number): string {
  const inner = path.reduceRight<string>((acc, k) => `{ ${k}: ${acc} }`, String(v));
  return `apiVersion: mlops.greenlight.dev/v1alpha1
kind: BlueGreenDeployment
metadata: { name: t }
spec:
  blue: { modelVersion: v1, model: v1.onnx }
  green: { modelVersion: v2, model: v2.onnx }
  validation: ${inner}
`;
}

function parserAccepts(path: string[], v: number): boolean {
  try {
    parseSpec(yamlOf(path, v), '/tmp');
    return true;
  } catch {
    return false;
  }
}

/** What `greenlight validate` does with a flag: defaults, the value set, then the spec's checks. */
function flagAccepts(path: string[], v: number): boolean {
  const spec = defaultValidationSpec() as unknown as Record<string, Record<string, unknown>>;
  let node: Record<string, unknown> = spec;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string, unknown>;
  node[path[path.length - 1]] = v;
  return validationProblems(spec as unknown as ValidationSpec).length === 0;
}

// The fields where src/validation/check-spec.ts once judged differently from the parser, and the
// values at their edges. `expect` is the one answer every entry point must give.
const CASES: { path: string[]; value: number; expect: boolean }[] = [
  { path: ['agreementThreshold'], value: 0, expect: false },
  { path: ['agreementThreshold'], value: 0.5, expect: true },
  { path: ['agreementThreshold'], value: 1, expect: false },
  { path: ['agreementThreshold'], value: 1.5, expect: false },
  { path: ['latency', 'maxRegressionRatio'], value: 0.5, expect: false },
  { path: ['latency', 'maxRegressionRatio'], value: 1, expect: true },
  { path: ['latency', 'maxRegressionRatio'], value: 1.2, expect: true },
  { path: ['resources', 'maxRatioToBlue'], value: 0.9, expect: false },
  { path: ['resources', 'maxRatioToBlue'], value: 1, expect: true },
  { path: ['healthCheckWaitSeconds'], value: 0, expect: false },
  { path: ['healthCheckWaitSeconds'], value: 0.5, expect: true },
  { path: ['timeoutSeconds'], value: 0, expect: false },
  { path: ['latency', 'durationSeconds'], value: 0, expect: false },
  { path: ['latency', 'concurrency'], value: 1024, expect: true },
  { path: ['latency', 'concurrency'], value: 1025, expect: false },
  { path: ['distribution', 'ksPValue'], value: 0, expect: false },
  { path: ['distribution', 'ksPValue'], value: 1, expect: false },
  { path: ['distribution', 'psiThreshold'], value: 0, expect: false },
  { path: ['distribution', 'jsThreshold'], value: 1, expect: true },
  { path: ['distribution', 'wassersteinThreshold'], value: 1.5, expect: false },
  { path: ['sprt', 'alpha'], value: 0.6, expect: false },
];

describe('one description of the spec fields', () => {
  const schema: Schema = specToJsonSchema();
  const crd: Schema = specToJsonSchema({ target: 'crd' });

  it.each(CASES)(
    'validation.$path = $value is judged the same by the parser, the flags and both schemas',
    (c) => {
      expect({
        parser: parserAccepts(c.path, c.value),
        validateFlags: flagAccepts(c.path, c.value),
        jsonSchema: jsonSchemaAccepts(at(schema, c.path), c.value),
        crd: crdAccepts(at(crd, c.path), c.value),
      }).toEqual({ parser: c.expect, validateFlags: c.expect, jsonSchema: c.expect, crd: c.expect });
    },
  );

  it('the rule across thresholds (indifference below agreementThreshold) holds for a spec and for flags', () => {
    const text = yamlOf(['agreementThreshold'], 0.01).replace(
      'validation: { agreementThreshold: 0.01 }',
      'validation: { agreementThreshold: 0.01, sprt: { indifference: 0.02 } }',
    );
    expect(() => parseSpec(text, '/tmp')).toThrow(
      /spec\.validation\.sprt\.indifference: expected a half-width/,
    );
    const v = defaultValidationSpec();
    v.agreementThreshold = 0.01;
    expect(validationProblems(v).map((p) => p.path)).toEqual(['spec.validation.sprt.indifference']);
  });

  it('the defaults pass every entry point', () => {
    expect(validationProblems(defaultValidationSpec())).toEqual([]);
  });
});
