import { type ResourceType, typeKey } from './resource-type.js';

/** An API group as discovery shows it. */
export interface GroupInfo {
  name: string;
  versions: string[];
  preferred: string;
}

/** The types the server serves now: the built-ins plus whatever the applied CRDs define. */
export class TypeRegistry {
  private readonly types = new Map<string, ResourceType>();

  constructor(initial: ResourceType[]) {
    for (const t of initial) this.add(t);
  }

  add(t: ResourceType): void {
    this.types.set(typeKey(t), t);
  }

  remove(key: string): void {
    this.types.delete(key);
  }

  byKey(key: string): ResourceType | undefined {
    return this.types.get(key);
  }

  /** The type at `/apis/<group>/<version>/<plural>` (or `/api/v1/<plural>` for group ''). */
  find(group: string, version: string, plural: string): ResourceType | undefined {
    const t = this.types.get(`${group}/${plural}`);
    return t?.versions.includes(version) ? t : undefined;
  }

  /** The types served at one group/version. */
  inGroupVersion(group: string, version: string): ResourceType[] {
    return [...this.types.values()].filter((t) => t.group === group && t.versions.includes(version));
  }

  /** The named groups (not the core group), each with its versions, the first one preferred. */
  groups(): GroupInfo[] {
    const byName = new Map<string, string[]>();
    for (const t of this.types.values()) {
      if (t.group === '') continue;
      const versions = byName.get(t.group) ?? [];
      for (const v of t.versions) if (!versions.includes(v)) versions.push(v);
      byName.set(t.group, versions);
    }
    return [...byName.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, versions]) => ({ name, versions, preferred: versions[0] }));
  }
}
