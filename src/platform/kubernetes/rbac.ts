import { GROUP, PLURAL } from './crd.js';

/** One RBAC rule. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/**
 * Everything the operator may do cluster-wide, and nothing more (least privilege): each rule names
 * the reason it exists. Leases are in the namespaced Role below, not here.
 */
export const OPERATOR_RULES: PolicyRule[] = [
  // watch resources, add and remove its finalizer, clear an intent annotation
  { apiGroups: [GROUP], resources: [PLURAL], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
  // phase, conditions, gate results, audit head
  { apiGroups: [GROUP], resources: [`${PLURAL}/status`], verbs: ['get', 'update', 'patch'] },
  // owner references with blockOwnerDeletion need update on the owner's finalizers
  { apiGroups: [GROUP], resources: [`${PLURAL}/finalizers`], verbs: ['update'] },
  // one Deployment per slot: create, scale, tear down
  {
    apiGroups: ['apps'],
    resources: ['deployments'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  // the user-facing Service's selector patch and a preview Service per slot
  {
    apiGroups: [''],
    resources: ['services'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  // the switch counts only when the EndpointSlices list just the new slot's pods
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
  // why a slot is not ready (pod status, restarts)
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
  // a Kubernetes Event for every transition
  { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
  // the resources gate reads pod CPU and memory where metrics-server runs ("no data" otherwise)
  { apiGroups: ['metrics.k8s.io'], resources: ['pods'], verbs: ['get', 'list'] },
];

/** Leader election: one Lease in the operator's own namespace. */
export const LEADER_ELECTION_RULES: PolicyRule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
];

export const OPERATOR_NAME = 'greenlight-operator';

const labels = { 'app.kubernetes.io/name': OPERATOR_NAME, 'app.kubernetes.io/part-of': 'greenlight' };

/** ServiceAccount, ClusterRole + ClusterRoleBinding, Role + RoleBinding (leases) for the operator. */
export function operatorRbac(namespace: string): Record<string, unknown>[] {
  const subject = { kind: 'ServiceAccount', name: OPERATOR_NAME, namespace };
  const meta = (name: string, ns?: string) => ({ name, ...(ns && { namespace: ns }), labels });
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(OPERATOR_NAME, namespace) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta(OPERATOR_NAME),
      rules: OPERATOR_RULES,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(OPERATOR_NAME),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: OPERATOR_NAME },
      subjects: [subject],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(`${OPERATOR_NAME}-leader-election`, namespace),
      rules: LEADER_ELECTION_RULES,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(`${OPERATOR_NAME}-leader-election`, namespace),
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: `${OPERATOR_NAME}-leader-election`,
      },
      subjects: [subject],
    },
  ];
}
