import { randomBytes, randomUUID } from 'node:crypto';
import {
  ApiError,
  alreadyExists,
  conflict,
  gone,
  invalid,
  notFound,
  staleResourceVersion,
} from './api-error.js';
import { canonical, type KubeObject, specPart, timestamp } from './kube-object.js';
import { type ResourceType, typeKey } from './resource-type.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One write, as a watch reports it; `previous` lets a selector-filtered watch see objects leave. */
export interface Change {
  rv: number;
  type: ResourceType;
  event: EventType;
  object: KubeObject;
  previous?: KubeObject;
}

export interface StoreOptions {
  /** Changes kept for watches from a resourceVersion; older ones answer 410 Gone. */
  historySize: number;
  now: () => Date;
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { resourceVersion?: string; uid?: string };
}

/** The garbage collector's finalizers, added by a delete with that propagation policy. */
const POLICY_FINALIZERS: Record<string, string | undefined> = {
  Foreground: 'foregroundDeletion',
  Orphan: 'orphan',
};

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * The emulated server's storage (etcd + the generic registry's rules): one global, integer,
 * increasing resourceVersion; a bounded history of changes that watches replay from; the update
 * rules operators trip on (stale resourceVersion → 409, status subresource, generation, finalizers).
 */
export class ObjectStore {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: Change[] = [];
  private readonly listeners = new Set<(c: Change) => void>();
  private readonly types = new Map<string, ResourceType>();
  private rv = 0;
  private compactedThrough = 0;

  constructor(private readonly opts: StoreOptions) {}

  /** The newest resourceVersion (a list's collection resourceVersion). */
  get resourceVersion(): number {
    return this.rv;
  }

  get(t: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const o = this.bucket(t).get(objectKey(t, namespace, name));
    return o && structuredClone(o);
  }

  /** Every object of `t` (in `namespace` when given), ordered by namespace and name like etcd's keys. */
  list(t: ResourceType, namespace?: string): KubeObject[] {
    const keys = [...this.bucket(t).keys()].sort();
    const out: KubeObject[] = [];
    for (const k of keys) {
      const o = this.bucket(t).get(k)!;
      if (namespace === undefined || o.metadata.namespace === namespace) out.push(structuredClone(o));
    }
    return out;
  }

  /** Every stored object with its type (for garbage collection and namespace cleanup). */
  all(): { type: ResourceType; object: KubeObject }[] {
    const out: { type: ResourceType; object: KubeObject }[] = [];
    for (const [key, bucket] of this.objects) {
      const type = this.types.get(key)!;
      for (const o of bucket.values()) out.push({ type, object: structuredClone(o) });
    }
    return out;
  }

  /** POST. `initialStatus` is what the server itself sets (a Namespace's phase, a CRD's conditions). */
  create(t: ResourceType, input: KubeObject, initialStatus?: Record<string, unknown>): KubeObject {
    const obj = structuredClone(input);
    const meta = obj.metadata ?? {};
    obj.metadata = meta;
    if (!meta.name && meta.generateName)
      meta.name = `${meta.generateName}${randomBytes(3).toString('hex').slice(0, 5)}`;
    checkName(t, meta.name);
    if (!t.namespaced) delete meta.namespace;
    const key = objectKey(t, meta.namespace, meta.name!);
    if (this.bucket(t).has(key)) throw alreadyExists(t.group, t.plural, meta.name!);
    if (meta.resourceVersion) {
      throw invalid(t.kind, t.group, meta.name!, [
        {
          field: 'metadata.resourceVersion',
          reason: 'FieldValueInvalid',
          message: 'must be empty on create',
        },
      ]);
    }
    meta.uid = randomUUID();
    meta.creationTimestamp = timestamp(this.opts.now());
    meta.generation = 1;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    // kube-apiserver's create strategies drop a status the client sent when status is a subresource
    if (t.statusSubresource) delete obj.status;
    if (initialStatus) obj.status = initialStatus;
    return this.commit(t, 'ADDED', obj);
  }

  /**
   * PUT (and the result of a PATCH): `subresource` "status" keeps everything but status, the main
   * resource keeps the old status when the type has a status subresource. A stale
   * metadata.resourceVersion is a 409; an update that changes nothing keeps the resourceVersion.
   */
  update(
    t: ResourceType,
    input: KubeObject,
    opts: { subresource?: 'status'; requireResourceVersion: boolean },
  ): KubeObject {
    const name = input.metadata?.name ?? '';
    const cur = this.bucket(t).get(objectKey(t, input.metadata?.namespace, name));
    if (!cur) throw notFound(t.group, t.plural, name);
    checkPreconditions(t, cur, input, opts.requireResourceVersion);
    const next =
      opts.subresource === 'status'
        ? withStatusOf(cur, input)
        : withStatusOf(input, t.statusSubresource ? cur : input);
    next.metadata = keepServerFields(next.metadata, cur.metadata);
    if (cur.metadata.deletionTimestamp) addsNoFinalizer(t, cur, next);
    if (specPart(next, t.statusSubresource) !== specPart(cur, t.statusSubresource)) {
      next.metadata.generation = (cur.metadata.generation ?? 1) + 1;
    }
    if (cur.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) {
      return this.commit(t, 'DELETED', next, cur);
    }
    if (unchanged(next, cur)) return structuredClone(cur);
    return this.commit(t, 'MODIFIED', next, cur);
  }

  /**
   * DELETE: with finalizers (or a Foreground/Orphan policy, which adds the garbage collector's own
   * finalizer) the object only gets deletionTimestamp and stays until its last finalizer is removed.
   * Returns the object and whether it is gone now.
   */
  delete(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions = {},
  ): { object: KubeObject; deleted: boolean } {
    const cur = this.bucket(t).get(objectKey(t, namespace, name));
    if (!cur) throw notFound(t.group, t.plural, name);
    const pre = opts.preconditions ?? {};
    if (pre.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
      throw conflict(
        t.group,
        t.plural,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion}`,
      );
    }
    if (pre.uid && pre.uid !== cur.metadata.uid) {
      throw conflict(
        t.group,
        t.plural,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid}`,
      );
    }
    const finalizers = [...(cur.metadata.finalizers ?? [])];
    const policyFinalizer = POLICY_FINALIZERS[opts.propagationPolicy ?? 'Background'];
    if (policyFinalizer && !cur.metadata.deletionTimestamp && !finalizers.includes(policyFinalizer))
      finalizers.push(policyFinalizer);
    if (finalizers.length === 0)
      return { object: this.commit(t, 'DELETED', structuredClone(cur), cur), deleted: true };
    if (cur.metadata.deletionTimestamp) return { object: structuredClone(cur), deleted: false };
    const next = structuredClone(cur);
    next.metadata.finalizers = finalizers;
    next.metadata.deletionTimestamp = timestamp(this.opts.now());
    next.metadata.deletionGracePeriodSeconds = 0;
    return { object: this.commit(t, 'MODIFIED', next, cur), deleted: false };
  }

  /** Remove every object of `t` without events' previous state (the type itself is going away). */
  dropType(t: ResourceType): void {
    for (const o of this.list(t)) this.commit(t, 'DELETED', o, o);
    this.objects.delete(typeKey(t));
  }

  /**
   * Changes of `t` after resourceVersion `since`, for a watch. 410 Gone when some of them are no longer
   * kept (the bounded history, like etcd compaction).
   */
  changesSince(t: ResourceType, since: number): Change[] {
    if (since < this.compactedThrough) throw gone(String(since), this.compactedThrough);
    const key = typeKey(t);
    return this.history.filter((c) => c.rv > since && typeKey(c.type) === key);
  }

  /** Test control: forget the whole history, so any watch from an older resourceVersion gets 410. */
  compact(): void {
    this.compactedThrough = this.rv;
    this.history.length = 0;
  }

  subscribe(listener: (c: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private commit(t: ResourceType, event: EventType, obj: KubeObject, previous?: KubeObject): KubeObject {
    this.rv += 1;
    obj.metadata.resourceVersion = String(this.rv);
    const key = objectKey(t, obj.metadata.namespace, obj.metadata.name!);
    if (event === 'DELETED') this.bucket(t).delete(key);
    else this.bucket(t).set(key, obj);
    const change: Change = { rv: this.rv, type: t, event, object: structuredClone(obj), previous };
    this.history.push(change);
    while (this.history.length > this.opts.historySize) this.compactedThrough = this.history.shift()!.rv;
    for (const l of this.listeners) l(change);
    return structuredClone(obj);
  }

  private bucket(t: ResourceType): Map<string, KubeObject> {
    const k = typeKey(t);
    let m = this.objects.get(k);
    if (!m) {
      m = new Map();
      this.objects.set(k, m);
      this.types.set(k, t);
    }
    return m;
  }
}

/** A copy of `base` whose status is `from`'s (absent when `from` has none). */
function withStatusOf(base: KubeObject, from: KubeObject): KubeObject {
  const next = structuredClone(base);
  if (from.status === undefined) delete next.status;
  else next.status = structuredClone(from.status);
  return next;
}

/** A stale metadata.resourceVersion (or uid) is a 409; a custom resource's update must carry one. */
function checkPreconditions(
  t: ResourceType,
  cur: KubeObject,
  input: KubeObject,
  requireResourceVersion: boolean,
): void {
  const name = cur.metadata.name!;
  const wanted = input.metadata.resourceVersion;
  if ((wanted === undefined || wanted === '') && requireResourceVersion) {
    throw invalid(t.kind, t.group, name, [
      {
        field: 'metadata.resourceVersion',
        reason: 'FieldValueInvalid',
        message: 'Invalid value: 0x0: must be specified for an update',
      },
    ]);
  }
  if (wanted && wanted !== cur.metadata.resourceVersion) throw staleResourceVersion(t.group, t.plural, name);
  if (input.metadata.uid && input.metadata.uid !== cur.metadata.uid) {
    throw conflict(
      t.group,
      t.plural,
      name,
      `Precondition failed: UID in precondition: ${input.metadata.uid}, UID in object meta: ${cur.metadata.uid}`,
    );
  }
}

function objectKey(t: ResourceType, namespace: string | undefined, name: string): string {
  return t.namespaced ? `${namespace ?? ''}/${name}` : name;
}

function checkName(t: ResourceType, name: string | undefined): void {
  if (!name) {
    throw invalid(t.kind, t.group, '', [
      {
        field: 'metadata.name',
        reason: 'FieldValueRequired',
        message: 'Required value: name or generateName is required',
      },
    ]);
  }
  if (name.length > 253 || !NAME.test(name)) {
    throw invalid(t.kind, t.group, name, [
      {
        field: 'metadata.name',
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      },
    ]);
  }
}

/** Metadata the server owns: a client cannot change it with an update. */
function keepServerFields(next: KubeObject['metadata'], cur: KubeObject['metadata']): KubeObject['metadata'] {
  const out = { ...next };
  for (const k of [
    'name',
    'namespace',
    'uid',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'generation',
    'resourceVersion',
  ] as const) {
    if (cur[k] === undefined) delete out[k];
    else out[k] = cur[k] as never;
  }
  return out;
}

function addsNoFinalizer(t: ResourceType, cur: KubeObject, next: KubeObject): void {
  const had = new Set(cur.metadata.finalizers ?? []);
  const added = (next.metadata.finalizers ?? []).filter((f) => !had.has(f));
  if (added.length > 0) {
    throw new ApiError(
      422,
      'Forbidden',
      `${t.kind} "${cur.metadata.name}" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
    );
  }
}

function unchanged(next: KubeObject, cur: KubeObject): boolean {
  const strip = (o: KubeObject) => ({
    ...o,
    metadata: { ...o.metadata, resourceVersion: undefined, managedFields: undefined },
  });
  return (
    canonical(strip(next)) === canonical(strip(cur)) &&
    canonical(next.metadata.managedFields) === canonical(cur.metadata.managedFields)
  );
}
