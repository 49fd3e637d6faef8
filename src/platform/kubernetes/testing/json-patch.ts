import { ApiError } from './api-error.js';

type Json = unknown;
type Container = Record<string, Json> | Json[];

/** One RFC 6902 operation. */
interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

const unprocessable = (message: string): ApiError => new ApiError(422, 'Invalid', message);

/**
 * Apply an RFC 6902 JSON Patch (`application/json-patch+json`) to a copy of `doc`. Every operation
 * (add, remove, replace, move, copy, test) and RFC 6901 pointers (`~0`, `~1`, `-` to append). A failed
 * `test` or a path that does not exist is a 422 naming the operation, as kube-apiserver answers.
 */
export function applyJsonPatch(doc: Json, patch: unknown): Json {
  if (!Array.isArray(patch)) throw new ApiError(400, 'BadRequest', 'json patch must be a list of operations');
  let out = structuredClone(doc);
  patch.forEach((raw, i) => {
    const op = raw as Operation;
    const where = `the json patch's operation ${i} (${op?.op} ${op?.path})`;
    if (typeof op?.path !== 'string') throw unprocessable(`${where}: path is missing`);
    switch (op.op) {
      case 'add':
        out = put(out, op.path, structuredClone(op.value), 'add', where);
        break;
      case 'replace':
        out = put(out, op.path, structuredClone(op.value), 'replace', where);
        break;
      case 'remove':
        out = remove(out, op.path, where);
        break;
      case 'move': {
        const value = get(out, from(op, where), where);
        out = put(remove(out, from(op, where), where), op.path, value, 'add', where);
        break;
      }
      case 'copy':
        out = put(out, op.path, structuredClone(get(out, from(op, where), where)), 'add', where);
        break;
      case 'test':
        if (JSON.stringify(get(out, op.path, where)) !== JSON.stringify(op.value)) {
          throw unprocessable(`${where}: test failed, the value differs`);
        }
        break;
      default:
        throw unprocessable(`${where}: unknown op ${JSON.stringify(op.op)}`);
    }
  });
  return out;
}

function from(op: Operation, where: string): string {
  if (typeof op.from !== 'string') throw unprocessable(`${where}: from is missing`);
  return op.from;
}

function tokens(pointer: string, where: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw unprocessable(`${where}: a path must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function get(doc: Json, pointer: string, where: string): Json {
  let cur = doc;
  for (const t of tokens(pointer, where)) {
    const next = child(cur, t);
    if (next === undefined) throw unprocessable(`${where}: ${pointer} does not exist`);
    cur = next;
  }
  return cur;
}

function child(cur: Json, t: string): Json {
  if (Array.isArray(cur)) return /^\d+$/.test(t) ? cur[Number(t)] : undefined;
  if (cur && typeof cur === 'object')
    return Object.hasOwn(cur, t) ? (cur as Record<string, Json>)[t] : undefined;
  return undefined;
}

/** The container holding the pointer's last token, and that token. */
function parentOf(doc: Json, pointer: string, where: string): { parent: Container; key: string } {
  const ts = tokens(pointer, where);
  const key = ts.pop()!;
  const parent = get(doc, ts.length === 0 ? '' : `/${ts.map(escapeToken).join('/')}`, where);
  if (!parent || typeof parent !== 'object')
    throw unprocessable(`${where}: the parent of ${pointer} is not a container`);
  return { parent: parent as Container, key };
}

const escapeToken = (t: string): string => t.replaceAll('~', '~0').replaceAll('/', '~1');

function put(doc: Json, pointer: string, value: Json, mode: 'add' | 'replace', where: string): Json {
  if (pointer === '') return value;
  const { parent, key } = parentOf(doc, pointer, where);
  if (Array.isArray(parent)) {
    const i = key === '-' && mode === 'add' ? parent.length : Number(key);
    const max = mode === 'add' ? parent.length : parent.length - 1;
    if (!/^(\d+|-)$/.test(key) || i > max) throw unprocessable(`${where}: index ${key} is out of range`);
    if (mode === 'add') parent.splice(i, 0, value);
    else parent[i] = value;
  } else {
    if (mode === 'replace' && !Object.hasOwn(parent, key))
      throw unprocessable(`${where}: ${pointer} does not exist`);
    parent[key] = value;
  }
  return doc;
}

function remove(doc: Json, pointer: string, where: string): Json {
  const { parent, key } = parentOf(doc, pointer, where);
  if (child(parent, key) === undefined) throw unprocessable(`${where}: ${pointer} does not exist`);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return doc;
}
