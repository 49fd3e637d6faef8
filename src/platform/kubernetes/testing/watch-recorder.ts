import { type KubeConfig, Watch } from '@kubernetes/client-node';

/** One event a client-node watch delivered. */
export interface Seen {
  type: string;
  object: { metadata?: { name?: string; resourceVersion?: string }; [k: string]: unknown };
}

/** A client-node Watch that records events and lets a test wait for one (no fixed sleeps). */
export interface WatchRecorder {
  events: Seen[];
  /** Resolves with done()'s argument when the watch ends (null: the server closed it). */
  ended: Promise<unknown>;
  /** Resolves when an event matching `pred` has arrived (rejects when the watch ends first). */
  until(pred: (e: Seen) => boolean): Promise<Seen>;
  abort(): void;
}

export async function recordWatch(
  kc: KubeConfig,
  path: string,
  query: Record<string, string | number | boolean | undefined> = {},
): Promise<WatchRecorder> {
  const events: Seen[] = [];
  const waiters: { pred: (e: Seen) => boolean; resolve: (e: Seen) => void; reject: (err: Error) => void }[] =
    [];
  let finish!: (err: unknown) => void;
  const ended = new Promise<unknown>((resolve) => {
    finish = resolve;
  });
  const controller = await new Watch(kc).watch(
    path,
    query,
    (type, object) => {
      const e = { type, object } as Seen;
      events.push(e);
      for (const w of [...waiters]) {
        if (w.pred(e)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(e);
        }
      }
    },
    (err) => {
      for (const w of waiters.splice(0))
        w.reject(
          new Error(
            `watch ended (${String(err)}) before the awaited event; saw ${JSON.stringify(events.map((e) => e.type))}`,
          ),
        );
      finish(err);
    },
  );
  return {
    events,
    ended,
    until: (pred) => {
      const hit = events.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => waiters.push({ pred, resolve, reject }));
    },
    abort: () => controller.abort(),
  };
}
