import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';
import type { Change, ObjectStore } from './object-store.js';
import type { Target } from './request-target.js';
import { selection, stamp } from './resource-handlers.js';
import { apiVersionOf, typeKey } from './resource-type.js';
import { toTable, wantsTable } from './table.js';
import { WatchStream } from './watch-stream.js';

export interface WatchOptions {
  store: ObjectStore;
  now: () => Date;
  /** Open watches, for the test controls (close, stall, expire). */
  open: Set<WatchStream>;
  bookmarkIntervalMs: number;
  /**
   * How a watch from a resourceVersion older than the history is refused: `event` (kube-apiserver:
   * 200, then an ERROR event carrying a 410 Status) or `status` (an HTTP 410 with the Status body,
   * what a list with an expired continue token or a proxy in front of the server gives).
   */
  gone: 'event' | 'status';
}

/**
 * The changes to replay for a watch from `since`: none (undefined) without one or with "0" (the
 * watch starts with the current objects), or the 410 to send when they are no longer kept.
 */
function replayFrom(
  o: WatchOptions,
  target: Target,
  since: string,
): { replay?: Change[]; expired?: ApiError } {
  if (since !== '' && !/^\d+$/.test(since)) {
    throw new ApiError(400, 'BadRequest', `invalid resource version "${since}": must be an integer`);
  }
  if (since === '' || since === '0') return {};
  try {
    return { replay: o.store.changesSince(target.type, Number(since)) };
  } catch (err) {
    if (!(err instanceof ApiError) || o.gone === 'status') throw err;
    return { expired: err };
  }
}

/** True when the request asks to watch (`watch=true`, `watch=1`, Python's `watch=True`). */
export function isWatch(q: URLSearchParams): boolean {
  return flag(q, 'watch');
}

const flag = (q: URLSearchParams, name: string): boolean => ['true', '1', 'True'].includes(q.get(name) ?? '');

/**
 * GET …?watch=true: replay the changes after `resourceVersion` (or send the current objects as ADDED
 * when it is absent or "0"), then stream every change until timeoutSeconds, the client leaving or a
 * test control. Subscribing and replaying happen in the same tick, so no change falls between them.
 */
export function watch(
  o: WatchOptions,
  target: Target,
  q: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const { type: t, version } = target;
  const table = wantsTable(req.headers.accept);
  const includeObject = q.get('includeObject') ?? 'Metadata';
  const matches = selection(target, q);
  const { replay, expired } = replayFrom(o, target, q.get('resourceVersion') ?? '');
  const stream = new WatchStream(
    res,
    {
      matches,
      render: (obj, first) => {
        const s = stamp(t, version, obj);
        return table ? toTable(t, [s], { includeObject, withColumns: first, now: o.now() }) : s;
      },
      bookmark: (rv) => ({
        kind: t.kind,
        apiVersion: apiVersionOf(t, version),
        metadata: { resourceVersion: String(rv) },
      }),
    },
    () => {
      o.open.delete(stream);
      unsubscribe();
    },
  );
  const unsubscribe = o.store.subscribe((c) => {
    if (typeKey(c.type) === typeKey(t)) stream.change(c);
  });
  o.open.add(stream);
  if (expired) {
    stream.fail(expired);
    return;
  }
  if (replay) for (const c of replay) stream.change(c);
  else for (const obj of o.store.list(t, target.namespace)) stream.added(obj);
  const timeout = Number(q.get('timeoutSeconds') ?? '0');
  if (timeout > 0) stream.timeoutAfter(timeout);
  if (flag(q, 'allowWatchBookmarks'))
    stream.bookmarkEvery(o.bookmarkIntervalMs, () => o.store.resourceVersion);
}
