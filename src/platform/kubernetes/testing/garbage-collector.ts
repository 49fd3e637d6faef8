import type { KubeObject } from './kube-object.js';
import type { Change, ObjectStore } from './object-store.js';
import type { ResourceType } from './resource-type.js';

type Entry = { type: ResourceType; object: KubeObject };

/**
 * kube-controller-manager's garbage collector and namespace cleanup, in small: after each write it
 * deletes objects whose every owner (by uid) is gone, drops references to owners that are gone when
 * others remain, finishes Foreground deletions (dependents first, then the owner's
 * `foregroundDeletion` finalizer) and Orphan deletions (references removed, then `orphan`), and deletes
 * what is left in a deleted namespace. envtest runs none of this, so the server can start without it.
 */
export class GarbageCollector {
  private scheduled = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly namespaces: ResourceType,
  ) {
    this.unsubscribe = store.subscribe((c) => this.onChange(c));
  }

  stop(): void {
    this.unsubscribe();
  }

  private onChange(c: Change): void {
    const m = c.object.metadata;
    const relevant =
      c.event === 'DELETED' ||
      (m.ownerReferences?.length ?? 0) > 0 ||
      (m.deletionTimestamp !== undefined &&
        (m.finalizers ?? []).some((f) => f === 'foregroundDeletion' || f === 'orphan'));
    if (!relevant || this.scheduled) return;
    this.scheduled = true;
    // after the write's response: the collector is another actor, never part of the request
    setImmediate(() => {
      this.scheduled = false;
      this.pass();
    });
  }

  /** One sweep; the writes it makes schedule the next sweep until nothing is left to do. */
  private pass(): void {
    const all = this.store.all();
    const uids = new Set(all.map((e) => e.object.metadata.uid));
    const liveNamespaces = new Set(
      all.filter((e) => e.type === this.namespaces).map((e) => e.object.metadata.name),
    );
    for (const e of all) {
      try {
        this.collect(e, uids, liveNamespaces, all);
      } catch {
        // a concurrent client write won (404/409): the next pass sees the new state
      }
    }
  }

  private collect(
    e: Entry,
    uids: Set<string | undefined>,
    namespaces: Set<string | undefined>,
    all: Entry[],
  ): void {
    const { type, object } = e;
    const m = object.metadata;
    const finalizers = m.finalizers ?? [];
    if (type.namespaced && !namespaces.has(m.namespace)) {
      if (!m.deletionTimestamp) this.store.delete(type, m.namespace, m.name!);
    } else if (m.deletionTimestamp && finalizers.includes('foregroundDeletion')) {
      this.foreground(e, all);
    } else if (m.deletionTimestamp && finalizers.includes('orphan')) {
      this.orphan(e, all);
    } else {
      this.dangling(e, uids);
    }
  }

  /** Foreground deletion: the dependents go first; then the owner's finalizer, and with it the owner. */
  private foreground(e: Entry, all: Entry[]): void {
    const dependents = all.filter((d) => ownedBy(d.object, e.object.metadata.uid!));
    for (const { type, object } of dependents) {
      const m = object.metadata;
      if (!m.deletionTimestamp)
        this.store.delete(type, m.namespace, m.name!, { propagationPolicy: 'Foreground' });
    }
    if (dependents.length === 0) this.dropFinalizer(e, 'foregroundDeletion');
  }

  /** Orphan deletion: the dependents lose their reference to the owner and stay. */
  private orphan(e: Entry, all: Entry[]): void {
    const uid = e.object.metadata.uid;
    for (const d of all.filter((x) => ownedBy(x.object, uid!))) {
      const refs = d.object.metadata.ownerReferences!.filter((r) => r.uid !== uid);
      const next = withMeta(d.object, { ownerReferences: refs.length > 0 ? refs : undefined });
      this.store.update(d.type, next, { requireResourceVersion: false });
    }
    this.dropFinalizer(e, 'orphan');
  }

  /** Background: an object all of whose owners are gone is deleted; references to gone owners are dropped. */
  private dangling({ type, object }: Entry, uids: Set<string | undefined>): void {
    const m = object.metadata;
    const refs = m.ownerReferences ?? [];
    const alive = refs.filter((r) => uids.has(r.uid));
    if (refs.length === 0 || alive.length === refs.length) return;
    if (alive.length === 0) {
      if (!m.deletionTimestamp) this.store.delete(type, m.namespace, m.name!);
    } else {
      this.store.update(type, withMeta(object, { ownerReferences: alive }), {
        requireResourceVersion: false,
      });
    }
  }

  private dropFinalizer(e: Entry, finalizer: string): void {
    const rest = (e.object.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    this.store.update(e.type, withMeta(e.object, { finalizers: rest.length > 0 ? rest : undefined }), {
      requireResourceVersion: false,
    });
  }
}

const ownedBy = (o: KubeObject, uid: string): boolean =>
  (o.metadata.ownerReferences ?? []).some((r) => r.uid === uid);

function withMeta(o: KubeObject, patch: Partial<KubeObject['metadata']>): KubeObject {
  const next = structuredClone(o);
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete next.metadata[k];
    else next.metadata[k] = v;
  }
  return next;
}
