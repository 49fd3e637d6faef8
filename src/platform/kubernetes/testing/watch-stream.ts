import type { ServerResponse } from 'node:http';
import type { ApiError } from './api-error.js';
import type { KubeObject } from './kube-object.js';
import type { Change, EventType } from './object-store.js';

/** How one watch picks and renders objects; the server builds it from the request. */
export interface WatchFilter {
  /** Does the object belong to this watch (namespace, label and field selectors)? */
  matches(o: KubeObject): boolean;
  /** The object as the client asked for it (its apiVersion, or a Table row for kubectl). */
  render(o: KubeObject, first: boolean): unknown;
  /** A BOOKMARK's object: kind and apiVersion of the type and only metadata.resourceVersion. */
  bookmark(rv: number): unknown;
}

/**
 * One open watch: newline-delimited JSON events on a chunked response (`{"type","object"}` per
 * line), as kube-apiserver streams them. Test controls: `close()` ends it (the server closing a
 * watch), `stall()` keeps the connection open and sends nothing ever again (a dead peer, a stuck
 * proxy), `fail()` sends an ERROR event with a Status and ends.
 */
export class WatchStream {
  private stalled = false;
  private ended = false;
  private first = true;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly res: ServerResponse,
    private readonly filter: WatchFilter,
    private readonly onEnd: () => void,
  ) {
    res.writeHead(200, {
      'content-type': 'application/json',
      'transfer-encoding': 'chunked',
      'cache-control': 'no-cache',
    });
    // headers now, so the client's watch is established before any event exists
    res.flushHeaders();
    res.on('close', () => this.finish());
  }

  /** End after `seconds` (the request's timeoutSeconds), like the server's watch timeout. */
  timeoutAfter(seconds: number): void {
    this.timers.push(setTimeout(() => this.close(), seconds * 1000));
  }

  /** Send a BOOKMARK every `ms` (only when the client sent allowWatchBookmarks=true). */
  bookmarkEvery(ms: number, rv: () => number): void {
    const t = setInterval(() => this.bookmark(rv()), ms);
    t.unref();
    this.timers.push(t);
  }

  bookmark(rv: number): void {
    this.write({ type: 'BOOKMARK', object: this.filter.bookmark(rv) });
  }

  /** The initial state (synthetic ADDED events), for a watch without a resourceVersion. */
  added(o: KubeObject): void {
    if (this.filter.matches(o)) this.send('ADDED', o);
  }

  /**
   * One change, as this watch sees it: an object that stops matching the selectors is DELETED for
   * it and one that starts matching is ADDED (kube-apiserver's cacher does the same).
   */
  change(c: Change): void {
    const now = c.event !== 'DELETED' && this.filter.matches(c.object);
    const before = c.previous !== undefined && this.filter.matches(c.previous);
    if (c.event === 'DELETED') {
      if (before || this.filter.matches(c.object)) this.send('DELETED', c.object);
    } else if (now && (before || c.event === 'ADDED')) this.send(c.event, c.object);
    else if (now) this.send('ADDED', c.object);
    else if (before) this.send('DELETED', c.object);
  }

  fail(err: ApiError): void {
    this.write({ type: 'ERROR', object: err.status() });
    this.close();
  }

  close(): void {
    if (this.ended) return;
    this.res.end();
    this.finish();
  }

  stall(): void {
    this.stalled = true;
    for (const t of this.timers) clearTimeout(t);
  }

  private send(type: EventType, o: KubeObject): void {
    this.write({ type, object: this.filter.render(o, this.first) });
    this.first = false;
  }

  private write(event: unknown): void {
    if (this.stalled || this.ended) return;
    this.res.write(`${JSON.stringify(event)}\n`);
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    for (const t of this.timers) clearTimeout(t);
    this.onEnd();
  }
}
