import type { Platform } from '../../platform/types.js';
import type { RouterControl } from '../../router/types.js';
import type { Store } from '../../store/types.js';
import type { ControllerDeps } from '../deps.js';

/**
 * Where a simulated crash happens, counted over the whole run:
 * - `effect-before`: the Nth call to the world (platform, router, validate, signals, HTTP) never starts;
 * - `effect-after`: the Nth call completes in the world but the controller never learns it did;
 * - `commit`: the Nth store transaction commits, then the process is gone.
 * After the crash every call hangs and every store write throws: the controller is dead and abandoned.
 */
export interface CrashPlan {
  kind: 'effect-before' | 'effect-after' | 'commit';
  at: number;
}

export interface CrashSwitch {
  deps: ControllerDeps;
  counts: { effects: number; commits: number };
  crashed(): boolean;
  /** Resolves when the crash happens. */
  whenCrashed: Promise<void>;
  /** What the crash interrupted, e.g. "router.switchTo (after)". */
  where: string | null;
}

const hang = <T>(): Promise<T> => new Promise<T>(() => {});

/** Wrap `deps` so the controller dies at `plan` (or only counts calls when plan is null). */
export function crashing(deps: ControllerDeps, plan: CrashPlan | null): CrashSwitch {
  let dead = false;
  let announce!: () => void;
  const sw: CrashSwitch = {
    deps,
    counts: { effects: 0, commits: 0 },
    crashed: () => dead,
    whenCrashed: new Promise<void>((r) => {
      announce = r;
    }),
    where: null,
  };
  const die = (where: string) => {
    dead = true;
    sw.where = where;
    announce();
  };

  function effect<A extends unknown[], R>(
    name: string,
    fn: (...a: A) => Promise<R>,
  ): (...a: A) => Promise<R> {
    return async (...args: A) => {
      if (dead) return hang<R>();
      const n = ++sw.counts.effects;
      if (plan?.kind === 'effect-before' && plan.at === n) {
        die(`${name} (before)`);
        return hang<R>();
      }
      const result = await fn(...args);
      if (dead) return hang<R>();
      if (plan?.kind === 'effect-after' && plan.at === n) {
        die(`${name} (after)`);
        return hang<R>();
      }
      return result;
    };
  }

  function wrapAll<T extends object>(prefix: string, target: T, methods: (keyof T)[]): T {
    const out = Object.create(target) as T;
    for (const m of methods) {
      const fn = (target[m] as (...a: unknown[]) => Promise<unknown>).bind(target);
      (out as Record<keyof T, unknown>)[m] = effect(`${prefix}.${String(m)}`, fn);
    }
    return out;
  }

  const store = Object.create(deps.store) as Store;
  let depth = 0;
  store.transaction = <T>(fn: () => T): T => {
    if (dead) throw new Error('crashed');
    depth++;
    let result: T;
    try {
      result = deps.store.transaction(fn);
    } finally {
      depth--;
    }
    // Only the outermost transaction is a commit; nested ones are savepoints inside it.
    if (depth === 0) {
      const n = ++sw.counts.commits;
      if (plan?.kind === 'commit' && plan.at === n) die(`commit #${n}`);
    }
    return result;
  };
  for (const m of [
    'putDeployment',
    'insertRollout',
    'updateRollout',
    'addIntent',
    'consumeIntent',
    'appendAudit',
    'setMeta',
  ] as const) {
    const fn = (deps.store[m] as (...a: unknown[]) => unknown).bind(deps.store);
    (store as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => {
      if (dead) throw new Error('crashed');
      return fn(...a);
    };
  }

  sw.deps = {
    ...deps,
    store,
    platform: wrapAll<Platform>('platform', deps.platform, ['deploy', 'status', 'teardown', 'resources']),
    router: wrapAll<RouterControl>('router', deps.router, [
      'state',
      'switchTo',
      'rollback',
      'setBackends',
      'setShadow',
      'setWeights',
      'shadowPairs',
      'waitIdle',
    ]),
    validate: effect('validate', deps.validate),
    signals: { read: effect('signals.read', deps.signals.read.bind(deps.signals)) },
    ...(deps.fetch ? { fetch: effect('fetch', deps.fetch) } : {}),
  };
  return sw;
}
