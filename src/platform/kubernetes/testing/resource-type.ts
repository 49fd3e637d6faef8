/** A printer column (CRD `additionalPrinterColumns`): what `kubectl get` shows. */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

/** One kind of object the emulated server stores: what discovery lists and the handlers obey. */
export interface ResourceType {
  /** '' for the core ("legacy") group served under /api/v1. */
  group: string;
  /** Versions served; objects are stored once and read back under the version asked for. */
  versions: string[];
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  categories?: string[];
  /** `/status` exists: main-resource writes keep the old status, status writes keep everything else. */
  statusSubresource: boolean;
  /**
   * A custom resource (from a CRD): strategic-merge patch is refused with 415 and an update needs
   * metadata.resourceVersion, as on kube-apiserver.
   */
  custom: boolean;
  /** Fields a fieldSelector may name besides metadata.name and metadata.namespace. */
  selectableFields?: string[];
  printerColumns?: PrinterColumn[];
  /** CRD openAPIV3Schema per version, enforced (subset) and used to prune unknown fields. */
  schemas?: Record<string, Record<string, unknown>>;
}

/** The store key of a type: the group and the plural, independent of the version. */
export function typeKey(t: Pick<ResourceType, 'group' | 'plural'>): string {
  return `${t.group}/${t.plural}`;
}

/** `apps/v1`, `v1`: the apiVersion an object of `t` carries when read at `version`. */
export function apiVersionOf(t: Pick<ResourceType, 'group'>, version: string): string {
  return t.group === '' ? version : `${t.group}/${version}`;
}

/** Every stored type supports every verb (kube-apiserver's list for a plain resource). */
export const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
/** What discovery lists for a `<plural>/status` subresource. */
export const STATUS_VERBS = ['get', 'patch', 'update'];

interface Extra {
  scope?: 'cluster';
  short?: string[];
  status?: boolean;
  all?: boolean;
  fields?: string[];
}

/** A built-in v1 type of `group`; singular is the kind in lower case, as for every built-in. */
function b(group: string, plural: string, kind: string, x: Extra = {}): ResourceType {
  return {
    group,
    versions: ['v1'],
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced: x.scope !== 'cluster',
    shortNames: x.short ?? [],
    ...(x.all && { categories: ['all'] }),
    statusSubresource: x.status ?? false,
    custom: false,
    ...(x.fields && { selectableFields: x.fields }),
  };
}

const RBAC = 'rbac.authorization.k8s.io';
const EVENT_FIELDS = [
  'involvedObject.kind',
  'involvedObject.name',
  'involvedObject.namespace',
  'involvedObject.uid',
  'reason',
  'type',
];

/** The built-in types the operator and its tests use (a subset of kube-apiserver's, same names). */
export function builtinTypes(): ResourceType[] {
  return [
    b('', 'namespaces', 'Namespace', {
      scope: 'cluster',
      short: ['ns'],
      status: true,
      fields: ['status.phase'],
    }),
    b('', 'pods', 'Pod', {
      short: ['po'],
      all: true,
      status: true,
      fields: ['status.phase', 'spec.nodeName', 'status.podIP'],
    }),
    b('', 'services', 'Service', { short: ['svc'], all: true, status: true }),
    b('', 'endpoints', 'Endpoints', { short: ['ep'] }),
    b('', 'configmaps', 'ConfigMap', { short: ['cm'] }),
    b('', 'secrets', 'Secret', { fields: ['type'] }),
    b('', 'serviceaccounts', 'ServiceAccount', { short: ['sa'] }),
    b('', 'persistentvolumeclaims', 'PersistentVolumeClaim', { short: ['pvc'], status: true }),
    b('', 'events', 'Event', { short: ['ev'], fields: EVENT_FIELDS }),
    b('apps', 'deployments', 'Deployment', { short: ['deploy'], all: true, status: true }),
    b('apps', 'replicasets', 'ReplicaSet', { short: ['rs'], all: true, status: true }),
    b('discovery.k8s.io', 'endpointslices', 'EndpointSlice'),
    b('coordination.k8s.io', 'leases', 'Lease'),
    b('events.k8s.io', 'events', 'Event'),
    b(RBAC, 'clusterroles', 'ClusterRole', { scope: 'cluster' }),
    b(RBAC, 'clusterrolebindings', 'ClusterRoleBinding', { scope: 'cluster' }),
    b(RBAC, 'roles', 'Role'),
    b(RBAC, 'rolebindings', 'RoleBinding'),
    b('apiextensions.k8s.io', 'customresourcedefinitions', 'CustomResourceDefinition', {
      scope: 'cluster',
      short: ['crd', 'crds'],
      status: true,
    }),
  ];
}
