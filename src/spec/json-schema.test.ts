import { describe, expect, it } from 'vitest';
import { DOCUMENT } from './fields.js';
import { specToJsonSchema } from './json-schema.js';

// biome-ignore lint/suspicious/noExplicitAny: the test walks arbitrary JSON Schema nodes
type Schema = Record<string, any>;

/** Every schema node, with its path, depth first. */
function* nodes(s: Schema, path = '$'): Generator<[string, Schema]> {
  yield [path, s];
  for (const [k, child] of Object.entries(s.properties ?? {})) yield* nodes(child as Schema, `${path}.${k}`);
  if (s.items) yield* nodes(s.items, `${path}[]`);
  if (typeof s.additionalProperties === 'object') yield* nodes(s.additionalProperties, `${path}{}`);
  for (const [i, alt] of (s.anyOf ?? []).entries()) yield* nodes(alt, `${path}|${i}`);
}

describe('specToJsonSchema', () => {
  const schema: Schema = specToJsonSchema();

  it('describes the document from the same field description the parser checks', () => {
    expect(schema).toMatchObject({
      $schema: expect.stringContaining('2020-12'),
      type: 'object',
      additionalProperties: false,
    });
    expect(Object.keys(schema.properties)).toEqual(Object.keys(DOCUMENT.fields));
    expect(schema.required).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    const spec = schema.properties.spec;
    expect(spec.required).toEqual(['blue', 'green']);
    expect(spec.properties.blue.required).toEqual(['modelVersion']);
    expect(spec.properties.validation.properties.agreementThreshold).toMatchObject({
      type: 'number',
      exclusiveMinimum: 0,
      exclusiveMaximum: 1,
      default: 0.95,
    });
    expect(spec.properties.blue.properties.replicas).toMatchObject({
      type: 'integer',
      minimum: 1,
      default: 3,
    });
    expect(spec.properties.observation.properties.window.default).toBe(604800);
    expect(spec.properties.validation.properties.gates.items.enum).toContain('agreement');
  });

  it('closes every mapping except metadata and status, so typos are caught by editors too', () => {
    for (const [path, node] of nodes(schema)) {
      if (node.type !== 'object') continue;
      if (path === '$.metadata' || path === '$.status') expect(node.additionalProperties).toBeUndefined();
      // A map (env) is open by design, but every value is typed.
      else if (node.properties === undefined && typeof node.additionalProperties === 'object')
        expect(node.additionalProperties.type, path).toBe('string');
      else expect(node.additionalProperties, path).toBe(false);
    }
  });

  it('the CRD variant is a Kubernetes structural schema', () => {
    const crd: Schema = specToJsonSchema({ target: 'crd' });
    expect(crd.$schema).toBeUndefined();
    expect(crd.properties.metadata).toEqual({ type: 'object' });
    expect(crd.required).toEqual(['spec']);
    for (const [path, node] of nodes(crd)) {
      // Structural: every node has a type, except int-or-string and the branches under it.
      if (!path.includes('|')) {
        const untypedOk =
          node['x-kubernetes-int-or-string'] === true ||
          node['x-kubernetes-preserve-unknown-fields'] === true;
        expect(node.type !== undefined || untypedOk, path).toBe(true);
      }
      // Structural schemas refuse additionalProperties: false, and a typed one beside properties.
      if (node.additionalProperties !== undefined) {
        expect(node.properties, path).toBeUndefined();
        expect(node.additionalProperties.type, path).toBe('string');
      }
      expect(node.default, path).toBeUndefined();
    }
    const window = crd.properties.spec.properties.observation.properties.window;
    expect(window['x-kubernetes-int-or-string']).toBe(true);
    // Exactly the form apiextensions accepts for int-or-string: nothing else inside anyOf.
    expect(window.anyOf).toEqual([{ type: 'integer' }, { type: 'string' }]);
    expect(window.pattern).toBeDefined();
    expect(crd.properties.status['x-kubernetes-preserve-unknown-fields']).toBe(true);
    // OpenAPI 3.0 forms the API server requires: boolean exclusiveMinimum, list-type set, no uniqueItems.
    const v = crd.properties.spec.properties.validation.properties;
    expect(v.latency.properties.maxRegressionRatio).toMatchObject({ minimum: 1 });
    expect(v.agreementThreshold).toMatchObject({
      minimum: 0,
      exclusiveMinimum: true,
      maximum: 1,
      exclusiveMaximum: true,
    });
    const slot = crd.properties.spec.properties.blue.properties;
    expect(slot.env).toEqual({
      description: expect.any(String),
      type: 'object',
      additionalProperties: { description: 'value', type: 'string' },
    });
    expect(slot.server.properties.request.properties.template).toEqual({
      description: expect.any(String),
      'x-kubernetes-preserve-unknown-fields': true,
    });
    expect(v.gates).toMatchObject({ 'x-kubernetes-list-type': 'set' });
    for (const [path, node] of nodes(crd)) expect(node.uniqueItems, path).toBeUndefined();
    expect(
      schema.properties.spec.properties.validation.properties.distribution.properties.psiThreshold,
    ).toMatchObject({
      exclusiveMinimum: 0,
    });
  });

  it('the duration pattern in the schema accepts what the parser accepts', () => {
    const window = schema.properties.spec.properties.observation.properties.window;
    const re = new RegExp(window.anyOf[1].pattern);
    for (const ok of ['500ms', '30s', '2m', '1h30m', '7d']) expect(re.test(ok), ok).toBe(true);
    for (const bad of ['2 weeks', 'm', '']) expect(re.test(bad), bad).toBe(false);
  });
});
