import { ApiError } from './api-error.js';

type Json = unknown;
type Obj = Record<string, Json>;

const isObj = (v: Json): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** RFC 7386 JSON Merge Patch (`application/merge-patch+json`): objects merge, `null` deletes, the rest replaces. */
export function applyMergePatch(doc: Json, patch: Json): Json {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Obj = isObj(doc) ? structuredClone(doc) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

/**
 * The merge keys of the lists kube-apiserver merges item by item in a strategic-merge patch
 * (`patchMergeKey` in k8s.io/api). A list not named here is replaced whole, as an atomic list is.
 */
const MERGE_KEYS: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  volumes: ['name'],
  env: ['name'],
  imagePullSecrets: ['name'],
  volumeMounts: ['mountPath'],
  // container ports merge on containerPort, Service ports on port
  ports: ['containerPort', 'port'],
  conditions: ['type'],
  ownerReferences: ['uid'],
};
/** Lists of scalars merged as sets (`patchStrategy: merge` on a []string). */
const SET_LISTS = new Set(['finalizers']);

/**
 * A subset of Kubernetes strategic-merge patch (`application/strategic-merge-patch+json`) for
 * built-in types: merge-patch, plus lists in MERGE_KEYS merged item by item (`$patch: delete` on an
 * item removes it), `finalizers` merged as a set, `$deleteFromPrimitiveList/<list>`, `$patch: replace`
 * on a map, and `$setElementOrder/<list>` and `$retainKeys` accepted and ignored (order is the
 * merged order). Custom resources never get here: they answer 415, as kube-apiserver does.
 */
export function applyStrategicMergePatch(doc: Json, patch: Json): Json {
  if (!isObj(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return structuredClone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const out: Obj = isObj(doc) ? structuredClone(doc) : {};
  for (const [k, v] of Object.entries(patch)) patchKey(out, k, v);
  return out;
}

function patchKey(out: Obj, k: string, v: Json): void {
  if (k.startsWith('$setElementOrder/') || k === '$retainKeys' || k === '$patch') return;
  if (k.startsWith('$deleteFromPrimitiveList/')) {
    const list = k.slice('$deleteFromPrimitiveList/'.length);
    if (Array.isArray(out[list]) && Array.isArray(v))
      out[list] = (out[list] as Json[]).filter((x) => !v.includes(x));
    return;
  }
  const merged =
    v === null ? undefined : Array.isArray(v) ? mergeList(k, out[k], v) : applyStrategicMergePatch(out[k], v);
  if (merged === undefined) delete out[k];
  else out[k] = merged;
}

function mergeList(name: string, current: Json, patch: Json[]): Json[] {
  const base = Array.isArray(current) ? structuredClone(current) : [];
  if (SET_LISTS.has(name)) return [...base, ...patch.filter((x) => !base.includes(x))];
  const key = (MERGE_KEYS[name] ?? []).find((k) => patch.every((item) => isObj(item) && k in item));
  if (!key) return structuredClone(patch);
  for (const item of patch as Obj[]) {
    const i = base.findIndex((x) => isObj(x) && x[key] === item[key]);
    if (item.$patch === 'delete') {
      if (i >= 0) base.splice(i, 1);
    } else if (i >= 0) {
      base[i] = applyStrategicMergePatch(base[i], item);
    } else {
      base.push(applyStrategicMergePatch({}, item));
    }
  }
  return base;
}

/** 415 for a strategic-merge patch of a custom resource (kube-apiserver's exact message). */
export function strategicMergeUnsupported(): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
  );
}
