import type { StatusCause } from './api-error.js';

type Schema = Record<string, unknown>;
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** What checking a custom resource against its CRD's openAPIV3Schema found. */
export interface SchemaResult {
  /** The object with unknown fields pruned (kube-apiserver stores this, not what was sent). */
  pruned: Obj;
  /** Paths of the fields that were pruned, e.g. `.spec.blue.colour`. */
  unknown: string[];
  /** Value errors, in kube-apiserver's wording (`spec.blue.replicas: Invalid value: 0: …`). */
  causes: StatusCause[];
}

/**
 * A subset of kube-apiserver's structural-schema handling of custom resources: pruning of unknown
 * fields (except under x-kubernetes-preserve-unknown-fields, and apiVersion/kind/metadata at the
 * root) and validation of type, required, enum, minimum/maximum (with OpenAPI 3.0's boolean
 * exclusiveMinimum), pattern, min/maxLength, min/maxItems, items, additionalProperties schemas,
 * x-kubernetes-int-or-string and anyOf. Not covered: CEL rules, formats, defaults, nullable edge cases.
 */
export function checkAgainstSchema(obj: Obj, schema: Schema): SchemaResult {
  const result: SchemaResult = { pruned: structuredClone(obj), unknown: [], causes: [] };
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  for (const [k, v] of Object.entries(result.pruned)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'metadata') continue;
    if (!props[k]) {
      if (schema['x-kubernetes-preserve-unknown-fields'] !== true) {
        delete result.pruned[k];
        result.unknown.push(`.${k}`);
      }
      continue;
    }
    result.pruned[k] = walk(v, props[k], k, result);
  }
  for (const r of (schema.required ?? []) as string[]) {
    if (result.pruned[r] === undefined) result.causes.push(required(r));
  }
  return result;
}

function walk(value: unknown, s: Schema, path: string, out: SchemaResult): unknown {
  if (value === null && s.nullable === true) return value;
  if (!typeOk(value, s)) {
    out.causes.push({
      field: path,
      reason: 'FieldValueTypeInvalid',
      message: `Invalid value: "${kindOf(value)}": ${path} in body must be of type ${expectedType(s)}: "${kindOf(value)}"`,
    });
    return value;
  }
  checkValue(value, s, path, out);
  if (Array.isArray(value) && s.items)
    return value.map((v, i) => walk(v, s.items as Schema, `${path}[${i}]`, out));
  if (isObj(value)) return walkObject(value, s, path, out);
  return value;
}

function walkObject(value: Obj, s: Schema, path: string, out: SchemaResult): Obj {
  const props = s.properties as Record<string, Schema> | undefined;
  const extra = isObj(s.additionalProperties) ? (s.additionalProperties as Schema) : undefined;
  const keep = s['x-kubernetes-preserve-unknown-fields'] === true;
  const res: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    const child = props?.[k] ?? extra;
    if (child) res[k] = walk(v, child, `${path}.${k}`, out);
    else if (keep || (!props && s.additionalProperties === undefined && !s.type)) res[k] = v;
    else out.unknown.push(`.${path}.${k}`);
  }
  for (const r of (s.required ?? []) as string[])
    if (res[r] === undefined) out.causes.push(required(`${path}.${r}`));
  return res;
}

const required = (field: string): StatusCause => ({
  field,
  reason: 'FieldValueRequired',
  message: 'Required value',
});

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function expectedType(s: Schema): string {
  return s['x-kubernetes-int-or-string'] ? 'integer,string' : String(s.type);
}

function typeOk(v: unknown, s: Schema): boolean {
  if (s['x-kubernetes-int-or-string'])
    return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'string';
  switch (s.type) {
    case undefined:
      return true;
    case 'object':
      return isObj(v);
    case 'array':
      return Array.isArray(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    default:
      return typeof v === s.type;
  }
}

function checkValue(v: unknown, s: Schema, path: string, out: SchemaResult): void {
  const bad = (message: string) =>
    out.causes.push({
      field: path,
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(v)}: ${message}`,
    });
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
    bad(`${path} in body should be one of ${JSON.stringify(s.enum)}`);
  }
  if (typeof v === 'number') checkNumber(v, s, path, bad);
  if (typeof v === 'string') checkString(v, s, path, bad);
  if (Array.isArray(v)) {
    if (typeof s.minItems === 'number' && v.length < s.minItems)
      bad(`${path} in body should have at least ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && v.length > s.maxItems)
      bad(`${path} in body should have at most ${s.maxItems} items`);
  }
  if (
    Array.isArray(s.anyOf) &&
    !s['x-kubernetes-int-or-string'] &&
    !(s.anyOf as Schema[]).some((b) => matchesBranch(v, b, path))
  ) {
    bad(`${path} in body must match at least one schema in anyOf`);
  }
}

function checkNumber(v: number, s: Schema, path: string, bad: (m: string) => void): void {
  const min = s.minimum as number | undefined;
  const exclusive = s.exclusiveMinimum === true;
  if (min !== undefined && (exclusive ? v <= min : v < min)) {
    bad(`${path} in body should be greater than ${exclusive ? '' : 'or equal to '}${min}`);
  }
  if (s.maximum !== undefined && v > (s.maximum as number))
    bad(`${path} in body should be less than or equal to ${s.maximum}`);
}

function checkString(v: string, s: Schema, path: string, bad: (m: string) => void): void {
  if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v))
    bad(`${path} in body should match '${s.pattern}'`);
  if (typeof s.minLength === 'number' && v.length < s.minLength)
    bad(`${path} in body should be at least ${s.minLength} chars long`);
  if (typeof s.maxLength === 'number' && v.length > s.maxLength)
    bad(`${path} in body should be at most ${s.maxLength} chars long`);
}

function matchesBranch(v: unknown, branch: Schema, path: string): boolean {
  if (!typeOk(v, branch)) return false;
  const probe: SchemaResult = { pruned: {}, unknown: [], causes: [] };
  checkValue(v, branch, path, probe);
  return probe.causes.length === 0;
}
