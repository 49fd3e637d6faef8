import { DURATION_PATTERN } from './duration.js';
import type { Field, NumberField, ObjectField } from './field.js';
import { DOCUMENT } from './fields.js';

export interface JsonSchemaOptions {
  /**
   * `json-schema` (default): draft 2020-12 for editors and CI, strict about unknown fields, with defaults.
   * `crd`: a Kubernetes structural schema for openAPIV3Schema: no additionalProperties:false (the API
   * server prunes unknown fields), int-or-string durations, no defaults (the operator applies them
   * when it parses, so stored objects stay as the user wrote them).
   */
  target?: 'json-schema' | 'crd';
}

type Schema = Record<string, unknown>;

/** JSON Schema of the BlueGreenDeployment YAML document, generated from the same description the parser checks. */
export function specToJsonSchema(opts: JsonSchemaOptions = {}): Schema {
  const crd = opts.target === 'crd';
  const root = toSchema(DOCUMENT, crd);
  if (crd) {
    // The API server owns metadata (it allows only name/generateName rules, none needed) and
    // supplies apiVersion and kind; the operator checks the name when it parses.
    const props = root.properties as Record<string, Schema>;
    props.metadata = { type: 'object' };
    root.required = ['spec'];
    return root;
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://greenlight.dev/schemas/bluegreendeployment-v1alpha1.json',
    title: 'BlueGreenDeployment',
    ...root,
  };
}

function toSchema(f: Field, crd: boolean): Schema {
  const s: Schema = { description: f.doc, ...typeOf(f, crd) };
  if (f.kind === 'object') return objectSchema(f, s, crd);
  const d = 'default' in f ? f.default : undefined;
  if (!crd && d !== undefined) s.default = Array.isArray(d) ? [...d] : d;
  return s;
}

/** The type and value constraints of a field that is not a mapping. */
function typeOf(f: Field, crd: boolean): Schema {
  switch (f.kind) {
    case 'string':
      return {
        type: 'string',
        ...(f.enum && { enum: [...f.enum] }),
        ...(f.pattern && { pattern: f.pattern.source }),
      };
    case 'number':
      return { type: f.integer ? 'integer' : 'number', ...bounds(f, crd) };
    case 'boolean':
      return { type: 'boolean' };
    case 'duration':
      if (crd) {
        // The API server accepts number-or-string only as exactly this anyOf (apiextensions
        // isIntOrStringAnyOfPattern); the bounds sit beside it and apply to their own kind of value.
        return {
          'x-kubernetes-int-or-string': true,
          anyOf: [{ type: 'integer' }, { type: 'string' }],
          minimum: 0,
          ...(f.positive && { exclusiveMinimum: true }),
          pattern: DURATION_PATTERN,
        };
      }
      return {
        anyOf: [
          f.positive ? { type: 'number', exclusiveMinimum: 0 } : { type: 'number', minimum: 0 },
          { type: 'string', pattern: DURATION_PATTERN },
        ],
      };
    case 'path':
      return { type: 'string', minLength: 1 };
    case 'array':
      return {
        type: 'array',
        items: toSchema(f.items, crd),
        ...(f.minItems !== undefined && { minItems: f.minItems }),
        // The API server refuses uniqueItems (quadratic); list-type set is its way of saying it.
        ...(f.unique && (crd ? { 'x-kubernetes-list-type': 'set' } : { uniqueItems: true })),
      };
    case 'map':
      // Structural schemas allow a typed additionalProperties (only `false` is refused).
      return { type: 'object', additionalProperties: toSchema(f.values, crd) };
    case 'json':
      if (crd) return { 'x-kubernetes-preserve-unknown-fields': true };
      return f.scalar ? { type: ['string', 'number', 'boolean'] } : {};
    case 'object':
      return {};
  }
}

/** OpenAPI 3.0 (the CRD) writes an exclusive bound as a flag beside minimum; JSON Schema 2020-12 as a number. */
function bounds(f: NumberField, crd: boolean): Schema {
  const out: Schema = {};
  if (f.min !== undefined) {
    if (!f.exclusiveMin) out.minimum = f.min;
    else if (crd) Object.assign(out, { minimum: f.min, exclusiveMinimum: true });
    else out.exclusiveMinimum = f.min;
  }
  if (f.max !== undefined) {
    if (!f.exclusiveMax) out.maximum = f.max;
    else if (crd) Object.assign(out, { maximum: f.max, exclusiveMaximum: true });
    else out.exclusiveMaximum = f.max;
  }
  return out;
}

function objectSchema(f: ObjectField, s: Schema, crd: boolean): Schema {
  s.type = 'object';
  const props: Record<string, Schema> = {};
  const required: string[] = [];
  for (const [key, child] of Object.entries(f.fields)) {
    props[key] = toSchema(child, crd);
    if (isRequired(child)) required.push(key);
  }
  if (Object.keys(props).length > 0) s.properties = props;
  if (required.length > 0) s.required = required;
  if (f.open) {
    if (crd) s['x-kubernetes-preserve-unknown-fields'] = true;
  } else if (!crd) {
    s.additionalProperties = false;
  }
  return s;
}

function isRequired(f: Field): boolean {
  if (f.kind === 'object') return f.required === true;
  return !f.optional && !('default' in f && f.default !== undefined);
}
