import { isAbsolute, resolve } from 'node:path';
import { describeValue } from '../errors.js';
import { parseDuration } from './duration.js';
import {
  type ArrayField,
  expectedText,
  type Field,
  type MapField,
  type NumberField,
  type ObjectField,
  type StringField,
} from './field.js';
import { didYouMean } from './suggest.js';

export type Segment = string | number;

/** A problem found while checking, at a path kept as segments so it can be located in the YAML. */
export interface Problem {
  at: Segment[];
  expected: string;
  found: string;
  /** Rules only: other fields the problem is about; one of them already wrong says it all. */
  about?: Segment[][];
}

export interface CheckContext {
  /** Relative paths in the document are resolved against this directory. */
  baseDir: string;
  /** Every problem is collected here; checking never stops at the first. */
  problems: Problem[];
}

/** "spec.blue.replicas", "spec.validation.gates[2]". */
export function pathText(at: readonly Segment[]): string {
  return (
    at.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('') || '(document)'
  );
}

/** How a found value reads in an error: `string "high"`, `number 3`, `a list of 2`. */
export function foundText(value: unknown): string {
  if (typeof value === 'string') return `string ${describeValue(value)}`;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return 'a mapping';
  return describeValue(value);
}

/**
 * Check `value` against `field` and return it with defaults filled in and paths resolved;
 * undefined when it is absent and optional, or wrong (the problem is recorded in ctx).
 */
export function checkField(field: Field, value: unknown, at: Segment[], ctx: CheckContext): unknown {
  // YAML `key:` with nothing after it is null; it means "not given", as absence does.
  if (value === undefined || value === null) return absent(field, value, at, ctx);
  const problem = (expected = expectedText(field)) => {
    ctx.problems.push({ at, expected, found: foundText(value) });
    return undefined;
  };
  const isMapping = typeof value === 'object' && !Array.isArray(value);
  switch (field.kind) {
    case 'array':
      return Array.isArray(value) ? checkArray(field, value, at, ctx, problem) : problem();
    case 'map':
      return isMapping ? checkMap(field, value as Record<string, unknown>, at, ctx) : problem();
    case 'object':
      return isMapping ? checkObject(field, value as Record<string, unknown>, at, ctx) : problem();
    default:
      return checkScalar(field, value, ctx, problem);
  }
}

function checkScalar(
  field: Exclude<Field, ArrayField | MapField | ObjectField>,
  value: unknown,
  ctx: CheckContext,
  problem: (expected?: string) => undefined,
): unknown {
  switch (field.kind) {
    case 'string':
      return checkString(field, value, problem);
    case 'number':
      return typeof value === 'number' && numberOk(field, value) ? value : problem();
    case 'boolean':
      return typeof value === 'boolean' ? value : problem();
    case 'duration': {
      const seconds = parseDuration(value);
      return seconds === undefined || (field.positive && seconds === 0) ? problem() : seconds;
    }
    case 'path':
      if (typeof value !== 'string' || value.trim() === '') return problem();
      return isAbsolute(value) ? value : resolve(ctx.baseDir, value);
    case 'json':
      if (!field.scalar) return value;
      return ['string', 'number', 'boolean'].includes(typeof value) ? value : problem();
  }
}

function checkArray(
  field: ArrayField,
  value: unknown[],
  at: Segment[],
  ctx: CheckContext,
  problem: () => undefined,
): unknown {
  const items = value.map((v, i) => checkField(field.items, v, [...at, i], ctx));
  if (field.minItems !== undefined && value.length < field.minItems) return problem();
  if (field.unique) {
    const seen = new Set<unknown>();
    value.forEach((v, i) => {
      if (seen.has(v))
        ctx.problems.push({ at: [...at, i], expected: 'no repeated values', found: foundText(v) });
      seen.add(v);
    });
  }
  return items;
}

function checkMap(
  field: MapField,
  value: Record<string, unknown>,
  at: Segment[],
  ctx: CheckContext,
): unknown {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    const checked = checkField(field.values, v, [...at, key], ctx);
    if (checked !== undefined) out[key] = checked as string;
  }
  return out;
}

function absent(field: Field, value: null | undefined, at: Segment[], ctx: CheckContext): unknown {
  if (field.kind === 'object') {
    // An optional mapping is absent as a whole (spec.server); any other takes its children's defaults.
    if (field.optional) return undefined;
    if (!field.required) return checkObject(field, {}, at, ctx);
  } else if ('default' in field && field.default !== undefined) {
    return Array.isArray(field.default) ? [...field.default] : field.default;
  } else if (field.optional) {
    return undefined;
  }
  ctx.problems.push({ at, expected: expectedText(field), found: value === null ? 'null' : 'nothing' });
  return undefined;
}

function checkString(field: StringField, value: unknown, problem: (expected?: string) => undefined): unknown {
  if (typeof value === 'number' || typeof value === 'boolean') {
    // YAML reads `modelVersion: 1.2` as a number; the fix is quotes.
    if (!field.enum) return problem(`${expectedText(field)} (quote it: "${String(value)}")`);
  }
  if (typeof value !== 'string') return problem();
  if (field.enum && !field.enum.includes(value)) {
    const hint = didYouMean(value, field.enum);
    return problem(hint ? `${expectedText(field)} (did you mean "${hint}"?)` : undefined);
  }
  if (field.pattern && !new RegExp(field.pattern.source).test(value)) return problem();
  return value;
}

function numberOk(f: NumberField, v: number): boolean {
  if (!Number.isFinite(v) || (f.integer && !Number.isInteger(v))) return false;
  if (f.min !== undefined && (f.exclusiveMin ? v <= f.min : v < f.min)) return false;
  return f.max === undefined || (f.exclusiveMax ? v < f.max : v <= f.max);
}

function checkObject(
  field: ObjectField,
  value: Record<string, unknown>,
  at: Segment[],
  ctx: CheckContext,
): Record<string, unknown> {
  const out: Record<string, unknown> = field.open ? { ...value } : {};
  const known = Object.keys(field.fields);
  for (const key of Object.keys(value)) {
    if (key in field.fields || field.open) continue;
    const hint = didYouMean(key, known);
    ctx.problems.push({
      at: [...at, key],
      expected: hint ? `a known field (did you mean "${hint}"?)` : `one of the fields ${known.join(', ')}`,
      found: `unknown field "${key}"`,
    });
  }
  for (const [key, child] of Object.entries(field.fields)) {
    const v = checkField(child, value[key], [...at, key], ctx);
    if (field.open) delete out[key];
    if (v !== undefined) out[child.as ?? key] = v;
  }
  return out;
}
