import { invalid, type StatusCause } from './api-error.js';
import type { KubeObject } from './kube-object.js';
import type { PrinterColumn, ResourceType } from './resource-type.js';

interface CrdVersion {
  name?: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
  subresources?: { status?: unknown };
  additionalPrinterColumns?: PrinterColumn[];
}

interface CrdSpec {
  group?: string;
  scope?: string;
  names?: {
    plural?: string;
    singular?: string;
    kind?: string;
    listKind?: string;
    shortNames?: string[];
    categories?: string[];
  };
  versions?: CrdVersion[];
}

/**
 * The type a CustomResourceDefinition (apiextensions.k8s.io/v1) serves, or 422 naming each field
 * kube-apiserver would refuse: the name must be `<plural>.<group>`, scope Namespaced or Cluster,
 * exactly one storage version, a schema for every version.
 */
export function typeFromCrd(crd: KubeObject): ResourceType {
  const spec = (crd.spec ?? {}) as CrdSpec;
  const names = spec.names ?? {};
  const versions = spec.versions ?? [];
  const causes: StatusCause[] = [];
  const need = (ok: unknown, field: string, message: string) => {
    if (!ok) causes.push({ field, reason: 'FieldValueInvalid', message });
  };
  need(spec.group, 'spec.group', 'Required value');
  need(names.plural, 'spec.names.plural', 'Required value');
  need(names.kind, 'spec.names.kind', 'Required value');
  need(
    spec.scope === 'Namespaced' || spec.scope === 'Cluster',
    'spec.scope',
    'Unsupported value: must be "Namespaced" or "Cluster"',
  );
  need(
    versions.length > 0,
    'spec.versions',
    'Invalid value: must have exactly one version marked as storage version',
  );
  need(
    versions.filter((v) => v.storage).length === 1,
    'spec.versions',
    'Invalid value: must have exactly one version marked as storage version',
  );
  versions.forEach((v, i) => {
    need(v.name, `spec.versions[${i}].name`, 'Required value');
    need(
      v.schema?.openAPIV3Schema,
      `spec.versions[${i}].schema.openAPIV3Schema`,
      'Required value: schemas are required',
    );
  });
  const name = crd.metadata.name ?? '';
  need(
    name === `${names.plural}.${spec.group}`,
    'metadata.name',
    `Invalid value: "${name}": must be spec.names.plural+"."+spec.group`,
  );
  if (causes.length > 0) throw invalid('CustomResourceDefinition', 'apiextensions.k8s.io', name, causes);
  const served = versions.filter((v) => v.served !== false);
  // status and printer columns are per version; the emulation serves the storage version's
  const storage = versions.find((v) => v.storage)!;
  return {
    group: spec.group!,
    versions: served.map((v) => v.name!),
    plural: names.plural!,
    singular: names.singular ?? names.kind!.toLowerCase(),
    kind: names.kind!,
    namespaced: spec.scope === 'Namespaced',
    shortNames: names.shortNames ?? [],
    categories: names.categories,
    statusSubresource: storage.subresources?.status !== undefined,
    custom: true,
    printerColumns: storage.additionalPrinterColumns,
    schemas: Object.fromEntries(served.map((v) => [v.name!, v.schema!.openAPIV3Schema!])),
  };
}

/** The status kube-apiserver gives a CRD it accepted, so `kubectl wait --for condition=Established` works. */
export function establishedStatus(crd: KubeObject, now: string): Record<string, unknown> {
  const spec = (crd.spec ?? {}) as CrdSpec;
  const condition = (type: string, reason: string, message: string) => ({
    type,
    status: 'True',
    lastTransitionTime: now,
    reason,
    message,
  });
  return {
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ],
    acceptedNames: { listKind: `${spec.names?.kind}List`, ...spec.names },
    storedVersions: (spec.versions ?? []).filter((v) => v.storage).map((v) => v.name),
  };
}
