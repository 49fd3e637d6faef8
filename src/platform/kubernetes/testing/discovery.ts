import { type ResourceType, STATUS_VERBS, VERBS } from './resource-type.js';
import type { TypeRegistry } from './type-registry.js';

/** `/api`: the core group's versions (meta/v1 APIVersions). */
export function coreVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function group(g: { name: string; versions: string[]; preferred: string }): Record<string, unknown> {
  const gv = (v: string) => ({ groupVersion: `${g.name}/${v}`, version: v });
  return { name: g.name, versions: g.versions.map(gv), preferredVersion: gv(g.preferred) };
}

/** `/apis`: every named group (meta/v1 APIGroupList). */
export function groupList(types: TypeRegistry): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: types.groups().map(group) };
}

/** `/apis/<group>` (meta/v1 APIGroup), or undefined for an unknown group. */
export function groupInfo(types: TypeRegistry, name: string): Record<string, unknown> | undefined {
  const g = types.groups().find((x) => x.name === name);
  return g && { kind: 'APIGroup', apiVersion: 'v1', ...group(g) };
}

/**
 * `/api/v1` and `/apis/<group>/<version>` (meta/v1 APIResourceList): each type with its verbs,
 * scope, kind and short names, and its `/status` subresource, which is what kubectl's RESTMapper and
 * `kubectl api-resources` read. Undefined when nothing is served there.
 */
export function resourceList(
  types: TypeRegistry,
  groupName: string,
  version: string,
): Record<string, unknown> | undefined {
  const served = types.inGroupVersion(groupName, version);
  if (served.length === 0) return undefined;
  const resources = served.flatMap((t: ResourceType) => [
    {
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: VERBS,
      ...(t.shortNames.length > 0 && { shortNames: t.shortNames }),
      ...(t.categories && { categories: t.categories }),
    },
    ...(t.statusSubresource
      ? [
          {
            name: `${t.plural}/status`,
            singularName: '',
            namespaced: t.namespaced,
            kind: t.kind,
            verbs: STATUS_VERBS,
          },
        ]
      : []),
  ]);
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupName === '' ? version : `${groupName}/${version}`,
    resources,
  };
}
