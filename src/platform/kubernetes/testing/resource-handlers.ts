import type { IncomingMessage } from 'node:http';
import { ApiError, badRequest, notFound } from './api-error.js';
import { applyJsonPatch } from './json-patch.js';
import type { KubeObject } from './kube-object.js';
import { applyMergePatch, applyStrategicMergePatch, strategicMergeUnsupported } from './merge-patch.js';
import type { DeleteOptions, ObjectStore } from './object-store.js';
import type { Target } from './request-target.js';
import { apiVersionOf, type ResourceType } from './resource-type.js';
import { fieldsOf, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { serverSideApply } from './server-side-apply.js';
import { checkAgainstSchema } from './structural-schema.js';
import { toTable, wantsTable } from './table.js';

/** What the resource handlers share with the server. */
export interface HandlerContext {
  store: ObjectStore;
  /** The Namespace type: a namespaced object can only be created in an existing namespace. */
  namespaces: ResourceType;
  now: () => Date;
  /** The status the server itself gives a new object of `t` (Namespace phase, CRD conditions). */
  initialStatus(t: ResourceType, o: KubeObject): Record<string, unknown> | undefined;
  /** Refuse a write the type's own rules forbid (a malformed CRD) before it is stored. */
  admit(t: ResourceType, o: KubeObject): void;
  /** After a CRD write: register its types and write its status. */
  afterWrite(t: ResourceType, o: KubeObject): void;
}

/** A reply: status code, body and Warning headers. */
export interface Reply {
  code: number;
  body: unknown;
  warnings?: string[];
}

/** The object as served at the URL's version: apiVersion and kind set. */
export function stamp(t: ResourceType, version: string, o: KubeObject): KubeObject {
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return { apiVersion: apiVersionOf(t, version), kind: t.kind, ...rest };
}

/** A predicate for the request's namespace, labelSelector and fieldSelector. */
export function selection(target: Target, q: URLSearchParams): (o: KubeObject) => boolean {
  const labels = parseLabelSelector(q.get('labelSelector'));
  const allowed = ['metadata.name', 'metadata.namespace', ...(target.type.selectableFields ?? [])];
  const fields = parseFieldSelector(q.get('fieldSelector'), allowed);
  return (o) =>
    (target.namespace === undefined || o.metadata.namespace === target.namespace) &&
    labels(o.metadata.labels ?? {}) &&
    fields(fieldsOf(o, allowed));
}

export function getOrList(
  ctx: HandlerContext,
  target: Target,
  q: URLSearchParams,
  req: IncomingMessage,
): Reply {
  const { type: t, version } = target;
  const table = wantsTable(req.headers.accept);
  const includeObject = q.get('includeObject') ?? 'Metadata';
  if (target.name) {
    const o = ctx.store.get(t, target.namespace, target.name);
    if (!o) throw notFound(t.group, t.plural, target.name);
    const obj = stamp(t, version, o);
    return {
      code: 200,
      body: table ? toTable(t, [obj], { includeObject, withColumns: true, now: ctx.now() }) : obj,
    };
  }
  if (q.get('resourceVersionMatch') === 'Exact') {
    throw badRequest(
      'resourceVersionMatch=Exact is not supported by the emulated API server (it keeps no old states)',
    );
  }
  const rv = String(ctx.store.resourceVersion);
  const matches = selection(target, q);
  const items = ctx.store
    .list(t, target.namespace)
    .filter(matches)
    .map((o) => stamp(t, version, o));
  if (table)
    return {
      code: 200,
      body: toTable(t, items, { includeObject, resourceVersion: rv, withColumns: true, now: ctx.now() }),
    };
  return {
    code: 200,
    body: {
      kind: `${t.kind}List`,
      apiVersion: apiVersionOf(t, version),
      metadata: { resourceVersion: rv },
      items,
    },
  };
}

export function create(ctx: HandlerContext, target: Target, q: URLSearchParams, body: unknown): Reply {
  const { type: t, version } = target;
  if (target.name)
    throw new ApiError(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    );
  const o = asObject(body, t, version);
  if (t.namespaced) {
    const ns = o.metadata.namespace ?? target.namespace ?? '';
    if (target.namespace && ns !== target.namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (!target.namespace)
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (!ctx.store.get(ctx.namespaces, undefined, ns)) throw notFound('', 'namespaces', ns);
    o.metadata.namespace = ns;
  }
  const { object, warnings } = checked(t, version, o, q);
  ctx.admit(t, object);
  const created = ctx.store.create(t, object, ctx.initialStatus(t, object));
  ctx.afterWrite(t, created);
  return {
    code: 201,
    body: stamp(t, version, ctx.store.get(t, target.namespace, created.metadata.name!) ?? created),
    warnings,
  };
}

export function replace(ctx: HandlerContext, target: Target, q: URLSearchParams, body: unknown): Reply {
  const { type: t, version } = target;
  const o = asObject(body, t, version);
  if (o.metadata.name !== target.name) {
    throw badRequest(
      `the name of the object (${o.metadata.name}) does not match the name on the URL (${target.name})`,
    );
  }
  if (t.namespaced) o.metadata.namespace = target.namespace;
  return write(ctx, target, q, o, t.custom);
}

export function patch(
  ctx: HandlerContext,
  target: Target,
  q: URLSearchParams,
  body: unknown,
  contentType: string,
): Reply {
  const { type: t, version } = target;
  const kind = contentType.split(';')[0].trim();
  const cur = ctx.store.get(t, target.namespace, target.name!);
  if (kind === 'application/apply-patch+yaml') {
    const next = serverSideApply(cur && stamp(t, version, cur), asObject(body, t, version), {
      manager: q.get('fieldManager'),
      force: q.get('force') === 'true',
      apiVersion: apiVersionOf(t, version),
      now: ctx.now(),
      subresource: target.subresource,
    });
    if (t.namespaced) next.metadata.namespace = target.namespace;
    if (!cur) return { ...create(ctx, { ...target, name: undefined }, q, next), code: 201 };
    return write(ctx, target, q, next, false);
  }
  if (!cur) throw notFound(t.group, t.plural, target.name!);
  const base = stamp(t, version, cur);
  let next: unknown;
  if (kind === 'application/json-patch+json') next = applyJsonPatch(base, body);
  else if (kind === 'application/merge-patch+json') next = applyMergePatch(base, body);
  else if (kind === 'application/strategic-merge-patch+json') {
    if (t.custom) throw strategicMergeUnsupported();
    next = applyStrategicMergePatch(base, body);
  } else {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml${t.custom ? '' : ', application/strategic-merge-patch+json'}`,
    );
  }
  const o = asObject(next, t, version);
  // identity comes from the URL: a patch cannot move an object
  o.metadata.name = target.name;
  if (t.namespaced) o.metadata.namespace = target.namespace;
  return write(ctx, target, q, o, false);
}

function write(
  ctx: HandlerContext,
  target: Target,
  q: URLSearchParams,
  o: KubeObject,
  requireResourceVersion: boolean,
): Reply {
  const { type: t, version } = target;
  if (target.subresource !== undefined && (target.subresource !== 'status' || !t.statusSubresource)) {
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  }
  const { object, warnings } = checked(t, version, o, q);
  if (target.subresource === undefined) ctx.admit(t, object);
  const updated = ctx.store.update(t, object, {
    subresource: target.subresource === 'status' ? 'status' : undefined,
    requireResourceVersion,
  });
  ctx.afterWrite(t, updated);
  const now = ctx.store.get(t, target.namespace, target.name!);
  return { code: 200, body: stamp(t, version, now ?? updated), warnings };
}

export function remove(ctx: HandlerContext, target: Target, q: URLSearchParams, body: unknown): Reply {
  const { type: t, version } = target;
  const opts = (body ?? {}) as DeleteOptions;
  const policy = (q.get('propagationPolicy') ?? opts.propagationPolicy) as DeleteOptions['propagationPolicy'];
  const del = { propagationPolicy: policy, preconditions: opts.preconditions };
  if (!target.name) {
    const matches = selection(target, q);
    for (const o of ctx.store.list(t, target.namespace).filter(matches))
      ctx.store.delete(t, o.metadata.namespace, o.metadata.name!, del);
    return { code: 200, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' } };
  }
  const { object, deleted } = ctx.store.delete(t, target.namespace, target.name, del);
  if (!deleted) return { code: 200, body: stamp(t, version, object) };
  return {
    code: 200,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: target.name, group: t.group, kind: t.plural, uid: object.metadata.uid },
    },
  };
}

function asObject(body: unknown, t: ResourceType, version: string): KubeObject {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw badRequest(`the request body must be a ${t.kind} object`);
  const o = structuredClone(body) as KubeObject;
  const want = apiVersionOf(t, version);
  if (o.apiVersion !== undefined && o.apiVersion !== want) {
    throw badRequest(
      `the API version in the data (${o.apiVersion}) does not match the expected API version (${want})`,
    );
  }
  if (o.kind !== undefined && o.kind !== t.kind) {
    throw badRequest(`the kind in the data (${o.kind}) does not match the expected kind (${t.kind})`);
  }
  if (o.metadata === undefined) o.metadata = {};
  if (typeof o.metadata !== 'object') throw badRequest('metadata must be an object');
  return o;
}

/**
 * A custom resource checked against its CRD's schema: value errors are a 422; unknown fields are
 * pruned with a Warning, or a 400 with `fieldValidation=Strict` (what kubectl ≥ 1.27 sends).
 */
function checked(
  t: ResourceType,
  version: string,
  o: KubeObject,
  q: URLSearchParams,
): { object: KubeObject; warnings: string[] } {
  const schema = t.schemas?.[version];
  if (!schema) return { object: o, warnings: [] };
  const r = checkAgainstSchema(o, schema);
  if (r.causes.length > 0) {
    throw new ApiError(
      422,
      'Invalid',
      `${t.kind}.${t.group} "${o.metadata.name}" is invalid: ${r.causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
      {
        name: o.metadata.name,
        group: t.group,
        kind: t.kind,
        causes: r.causes,
      },
    );
  }
  const unknown = r.unknown.map((p) => `unknown field "${p.slice(1)}"`);
  const mode = q.get('fieldValidation') ?? 'Warn';
  if (mode === 'Strict' && unknown.length > 0) {
    throw badRequest(
      `${t.kind} in version "${version}" cannot be handled as a ${t.kind}: strict decoding error: ${unknown.join(', ')}`,
    );
  }
  return { object: r.pruned as KubeObject, warnings: mode === 'Ignore' ? [] : unknown };
}
