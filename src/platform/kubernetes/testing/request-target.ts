import type { ResourceType } from './resource-type.js';
import type { TypeRegistry } from './type-registry.js';

/** What a resource URL names. */
export interface Target {
  type: ResourceType;
  /** The version in the URL (objects are returned with this apiVersion). */
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/**
 * Parse a resource path: `/api/v1[/namespaces/NS]/PLURAL[/NAME[/SUB]]` and
 * `/apis/GROUP/VERSION[/namespaces/NS]/PLURAL[/NAME[/SUB]]`. `/api/v1/namespaces/NAME` is the
 * Namespace itself; `/api/v1/namespaces/NS/pods` the pods in it. Undefined for anything else
 * (discovery paths are handled before).
 */
export function parseTarget(pathname: string, types: TypeRegistry): Target | undefined {
  const segs = pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 3) {
    [group, version, rest] = ['', segs[1], segs.slice(2)];
  } else if (segs[0] === 'apis' && segs.length >= 4) {
    [group, version, rest] = [segs[1], segs[2], segs.slice(3)];
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const inner = types.find(group, version, rest[2]);
    if (inner?.namespaced) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  const type = types.find(group, version, rest[0]);
  if (!type || rest.length > 3) return undefined;
  return { type, version, namespace, name: rest[1], subresource: rest[2] };
}
