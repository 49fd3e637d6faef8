import type { KubeObject } from './kube-object.js';
import type { PrinterColumn, ResourceType } from './resource-type.js';

/**
 * Does the client want a meta.k8s.io Table (kubectl's `get` asks with
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io, …`)?
 */
export function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? '') && /g=meta\.k8s\.io/.test(accept ?? '');
}

const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

/** The columns kube-apiserver shows for a type: Name, then the CRD's printer columns (or Age). */
function columnsOf(t: ResourceType): PrinterColumn[] {
  return t.printerColumns && t.printerColumns.length > 0 ? t.printerColumns : [AGE];
}

/**
 * A meta.k8s.io/v1 Table of `objects`: kube-apiserver's server-side printing, so `kubectl get` shows
 * a CRD's printer columns. `withColumns` false leaves out the column definitions (later watch events).
 */
export function toTable(
  t: ResourceType,
  objects: KubeObject[],
  opts: { includeObject: string; resourceVersion?: string; withColumns: boolean; now: Date },
): Record<string, unknown> {
  const columns = columnsOf(t);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: opts.resourceVersion ? { resourceVersion: opts.resourceVersion } : {},
    ...(opts.withColumns && {
      columnDefinitions: [
        {
          name: 'Name',
          type: 'string',
          format: 'name',
          description: 'Name must be unique within a namespace.',
          priority: 0,
        },
        ...columns.map((c) => ({
          name: c.name,
          type: c.type,
          format: c.format ?? '',
          description: c.description ?? '',
          priority: c.priority ?? 0,
        })),
      ],
    }),
    rows: objects.map((o) => ({
      cells: [o.metadata.name, ...columns.map((c) => cell(c, jsonPath(o, c.jsonPath), opts.now))],
      object: rowObject(o, opts.includeObject),
    })),
  };
}

function rowObject(o: KubeObject, include: string): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

/** A printer column's simple JSONPath (`.status.activeColor`, `.spec.blue.modelVersion`, `.a[0].b`). */
export function jsonPath(o: unknown, path: string): unknown {
  let cur = o;
  for (const part of path
    .replace(/^\{?\.?/, '')
    .replace(/\}$/, '')
    .split('.')) {
    const m = /^([^[\]]*)((\[\d+\])*)$/.exec(part);
    if (!m || cur === null || typeof cur !== 'object') return undefined;
    if (m[1] !== '') cur = (cur as Record<string, unknown>)[m[1]];
    for (const idx of m[2].match(/\d+/g) ?? []) cur = Array.isArray(cur) ? cur[Number(idx)] : undefined;
  }
  return cur;
}

/** A cell as kube-apiserver's CRD table convertor makes it: dates as a human age ("5m"), the rest as is. */
function cell(c: PrinterColumn, v: unknown, now: Date): unknown {
  if (v === undefined || v === null) return null;
  if (c.type === 'date' && typeof v === 'string') return age(now.getTime() - Date.parse(v));
  if (c.type === 'string' && typeof v !== 'string') return JSON.stringify(v);
  return v;
}

/** apimachinery duration.HumanDuration, in short. */
export function age(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 === 0 ? '' : `${s % 60}s`}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}
