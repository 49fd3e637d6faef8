import { badRequest } from './api-error.js';

/** One requirement of a label selector (apimachinery labels.Requirement). */
type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

/** A parsed selector; matches a label (or field) map. The empty selector matches everything. */
export type Selector = (labels: Record<string, string>) => boolean;

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;

/**
 * Parse a label selector in kube-apiserver's syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
 * `a notin (x)`, `a` (exists), `!a` (does not exist), comma-separated (all must hold).
 * Bad syntax is a 400 naming the requirement, as the API server does.
 */
export function parseLabelSelector(text: string | null | undefined): Selector {
  const reqs = splitTopLevel(text ?? '').map(parseRequirement);
  return (labels) => reqs.every((r) => holds(r, labels));
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function parseRequirement(text: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(text);
  if (set) {
    const values = set[3].split(',').map((v) => v.trim());
    return { key: checkedKey(set[1], text), op: set[2] as 'in' | 'notin', values };
  }
  const eq = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(text);
  if (eq) {
    return { key: checkedKey(eq[1], text), op: eq[2] === '!=' ? 'notin' : 'in', values: [eq[3]] };
  }
  if (text.startsWith('!')) return { key: checkedKey(text.slice(1).trim(), text), op: 'notexists' };
  return { key: checkedKey(text, text), op: 'exists' };
}

function checkedKey(key: string, requirement: string): string {
  if (!KEY.test(key)) {
    throw badRequest(
      `unable to parse requirement: ${JSON.stringify(requirement)}: invalid label key "${key}"`,
    );
  }
  return key;
}

function holds(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.op) {
    case 'exists':
      return has;
    case 'notexists':
      return !has;
    case 'in':
      return has && r.values.includes(labels[r.key]);
    case 'notin':
      return !has || !r.values.includes(labels[r.key]);
  }
}

/**
 * Parse a field selector (`metadata.name=x,status.phase!=Running`): only `=`, `==` and `!=`, and only
 * fields in `allowed` — kube-apiserver answers any other field with 400 "field label not supported".
 */
export function parseFieldSelector(text: string | null | undefined, allowed: string[]): Selector {
  const reqs = splitTopLevel(text ?? '').map((part) => {
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${part}'; can't understand '${part}'`);
    if (!allowed.includes(m[1])) throw badRequest(`field label not supported: ${m[1]}`);
    return { key: m[1], negate: m[2] === '!=', value: m[3].trim() };
  });
  return (fields) => reqs.every((r) => (fields[r.key] === r.value) !== r.negate);
}

/** The values of `paths` (dotted) in `obj`, as strings, for a field selector to match. */
export function fieldsOf(obj: Record<string, unknown>, paths: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of paths) {
    let v: unknown = obj;
    for (const k of p.split('.'))
      v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    out[p] = v === undefined || v === null ? '' : String(v);
  }
  return out;
}
