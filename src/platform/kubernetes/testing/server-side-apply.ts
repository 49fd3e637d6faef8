import { ApiError, badRequest } from './api-error.js';
import { canonical, type KubeObject, type ManagedFieldsEntry, timestamp } from './kube-object.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Field paths (`spec.replicas`, `metadata.labels.app`) one manager sets: the leaves of its config. */
function leaves(v: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  if (isObj(v) && Object.keys(v).length > 0) {
    for (const [k, x] of Object.entries(v)) leaves(x, [...prefix, k], out);
  } else if (prefix.length > 0) out.push(prefix);
  return out;
}

/** The fields of the config that server-side apply manages: everything but the identity. */
function managedPaths(config: KubeObject): string[][] {
  const { apiVersion: _a, kind: _k, metadata, ...rest } = config;
  const meta: Obj = {};
  for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences'])
    if (metadata?.[k] !== undefined) meta[k] = metadata[k];
  return leaves({ ...rest, ...(Object.keys(meta).length > 0 && { metadata: meta }) });
}

/** managedFields' FieldsV1 (`{"f:spec":{"f:replicas":{}}}`) from paths, and back. */
function toFieldsV1(paths: string[][]): Obj {
  const root: Obj = {};
  for (const p of paths) {
    let cur = root;
    for (const k of p) {
      const key = `f:${k}`;
      if (!isObj(cur[key])) cur[key] = {};
      cur = cur[key] as Obj;
    }
  }
  return root;
}

function fromFieldsV1(f: Obj, prefix: string[] = [], out: string[][] = []): string[][] {
  const keys = Object.keys(f).filter((k) => k.startsWith('f:'));
  if (keys.length === 0 && prefix.length > 0) out.push(prefix);
  for (const k of keys) fromFieldsV1(f[k] as Obj, [...prefix, k.slice(2)], out);
  return out;
}

const at = (o: unknown, p: string[]): unknown =>
  p.reduce<unknown>((c, k) => (isObj(c) ? c[k] : undefined), o);
const dotted = (p: string[]): string => `.${p.join('.')}`;

function unset(o: Obj, p: string[]): void {
  const parent = at(o, p.slice(0, -1));
  if (isObj(parent)) delete parent[p[p.length - 1]];
}

function merge(base: unknown, config: unknown): unknown {
  if (!isObj(config) || !isObj(base)) return structuredClone(config);
  const out = structuredClone(base);
  for (const [k, v] of Object.entries(config)) out[k] = merge(out[k], v);
  return out;
}

/**
 * A subset of server-side apply (`application/apply-patch+yaml`): the config creates the object or
 * is merged into it (maps merge, lists and scalars are owned whole: every list is atomic here), the
 * manager's set of fields is recorded in metadata.managedFields, a field this manager set before and
 * leaves out now is removed unless another manager owns it, and a field another Apply manager owns
 * with a different value is a 409 conflict unless `force`. Not covered: conflicts with Update
 * managers (PUT/PATCH do not record ownership here), list-map merge keys, the status of other managers.
 */
export function serverSideApply(
  current: KubeObject | undefined,
  config: KubeObject,
  opts: { manager: string | null; force: boolean; apiVersion: string; now: Date; subresource?: string },
): KubeObject {
  const manager = opts.manager;
  if (!manager) throw badRequest('PATCH request with apply content type requires fieldManager');
  if (!isObj(config) || !isObj(config.metadata) || !config.metadata.name) {
    throw badRequest('the apply configuration needs apiVersion, kind and metadata.name');
  }
  const paths = managedPaths(config);
  const all = current?.metadata.managedFields ?? [];
  const isMine = (e: ManagedFieldsEntry) => e.manager === manager && e.operation === 'Apply';
  const entries = all.filter((e) => !isMine(e));
  const mine = all.find(isMine);
  const others = entries
    .filter((e) => e.operation === 'Apply')
    .map((e) => ({ manager: e.manager, paths: fromFieldsV1(e.fieldsV1) }));
  const conflicts = findConflicts(current, config, paths, others);
  if (conflicts.length > 0 && !opts.force) throw applyConflict(conflicts);
  let next = merge(current ?? {}, config) as KubeObject;
  const ownedByOthers = new Set(others.flatMap((o) => o.paths.map(canonical)));
  const stillSet = new Set(paths.map(canonical));
  for (const p of mine ? fromFieldsV1(mine.fieldsV1) : []) {
    if (!stillSet.has(canonical(p)) && !ownedByOthers.has(canonical(p))) unset(next, p);
  }
  // forced fields change owner
  const rest = entries.map((e) =>
    e.operation === 'Apply'
      ? { ...e, fieldsV1: toFieldsV1(fromFieldsV1(e.fieldsV1).filter((p) => !stillSet.has(canonical(p)))) }
      : e,
  );
  const entry: ManagedFieldsEntry = {
    manager,
    operation: 'Apply',
    apiVersion: opts.apiVersion,
    time: timestamp(opts.now),
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(paths),
    ...(opts.subresource && { subresource: opts.subresource }),
  };
  next = { ...next, metadata: { ...next.metadata, managedFields: [...rest, entry] } };
  if (current && !config.metadata.resourceVersion)
    next.metadata.resourceVersion = current.metadata.resourceVersion;
  return next;
}

/** Fields the config sets to a new value that another Apply manager owns. */
function findConflicts(
  current: KubeObject | undefined,
  config: KubeObject,
  paths: string[][],
  others: { manager: string; paths: string[][] }[],
): { manager: string; path: string }[] {
  const out: { manager: string; path: string }[] = [];
  for (const p of paths) {
    if (canonical(at(current, p)) === canonical(at(config, p))) continue;
    for (const o of others) {
      if (o.paths.some((q) => canonical(q) === canonical(p)))
        out.push({ manager: o.manager, path: dotted(p) });
    }
  }
  return out;
}

function applyConflict(conflicts: { manager: string; path: string }[]): ApiError {
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with "${c.manager}"`,
    field: c.path,
  }));
  const lines = conflicts.map((c) => `conflict with "${c.manager}": ${c.path}`);
  return new ApiError(
    409,
    'Conflict',
    `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${lines.join(', ')}`,
    { causes },
  );
}
