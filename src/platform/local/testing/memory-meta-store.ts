import type { Store } from '../../../store/types.js';

/**
 * Only the meta part of a Store, in memory: the local platform's tests need nothing else and must
 * not depend on SQLite. Any other method throws, so a platform that starts using more is caught.
 */
export function memoryMetaStore(): Store {
  const meta = new Map<string, string>();
  const store: Partial<Store> = {
    getMeta<T>(key: string): T | undefined {
      const v = meta.get(key);
      return v === undefined ? undefined : (JSON.parse(v) as T);
    },
    setMeta(key: string, value: unknown): void {
      meta.set(key, JSON.stringify(value));
    },
    transaction<T>(fn: () => T): T {
      return fn();
    },
    close(): void {},
  };
  return new Proxy(store as Store, {
    get(target, prop) {
      const v = Reflect.get(target, prop);
      if (v === undefined && typeof prop === 'string' && prop !== 'then')
        throw new Error(`memoryMetaStore: ${prop} not supported`);
      return v;
    },
  });
}
