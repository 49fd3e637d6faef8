import { OPERATOR_NAME } from './rbac.js';

export interface OperatorOptions {
  namespace: string;
  image: string;
  /** Size of the audit volume (default 1Gi). */
  auditStorage?: string;
}

const labels = { 'app.kubernetes.io/name': OPERATOR_NAME, 'app.kubernetes.io/part-of': 'greenlight' };
const AUDIT_DIR = '/var/lib/greenlight';

/** The operator's namespace. */
export function operatorNamespace(namespace: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace, labels: { 'app.kubernetes.io/part-of': 'greenlight' } },
  };
}

/**
 * The PersistentVolumeClaim for the operator's SQLite store and hash-chained audit log (Kubernetes
 * Events expire after an hour; the audit must not), and the operator Deployment: two replicas, one
 * acting at a time through the leader-election Lease. The volume is ReadWriteOnce, so the replicas
 * are scheduled onto one node (required pod affinity): they fail over when a process dies, not when
 * the node does (docs/kubernetes.md).
 */
export function operatorWorkload(o: OperatorOptions): Record<string, unknown>[] {
  const pvc = `${OPERATOR_NAME}-audit`;
  return [
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: pvc, namespace: o.namespace, labels },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: o.auditStorage ?? '1Gi' } } },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: OPERATOR_NAME, namespace: o.namespace, labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: OPERATOR_NAME,
            affinity: {
              podAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [
                  { labelSelector: { matchLabels: labels }, topologyKey: 'kubernetes.io/hostname' },
                ],
              },
            },
            securityContext: { runAsNonRoot: true, runAsUser: 65532, fsGroup: 65532 },
            containers: [
              {
                name: 'operator',
                image: o.image,
                args: ['operator', '--data-dir', AUDIT_DIR],
                env: [
                  // the leader-election identity: two replicas must never share it
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                ],
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [{ name: 'audit', mountPath: AUDIT_DIR }],
              },
            ],
            volumes: [{ name: 'audit', persistentVolumeClaim: { claimName: pvc } }],
          },
        },
      },
    },
  ];
}
