import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from '../store/types.js';

/**
 * `GET /api/events?since=SEQ&deployment=NAME`: a Server-Sent Events stream of audit records as
 * they are appended (event `audit`, id = seq, so a reconnecting client resumes with Last-Event-ID).
 * It reads the store rather than an in-memory bus so it shows what the controller durably did.
 */
export function serveEvents(
  store: Store,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  pollMs: number,
): void {
  const deployment = url.searchParams.get('deployment') ?? undefined;
  let since = Number(req.headers['last-event-id'] ?? url.searchParams.get('since') ?? 0) || 0;
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.write(': greenlight events\n\n');
  let beats = 0;
  const tick = () => {
    for (const r of store.listAudit({ deployment, sinceSeq: since, limit: 500 })) {
      res.write(`id: ${r.seq}\nevent: audit\ndata: ${JSON.stringify(r)}\n\n`);
      since = r.seq;
    }
    // A comment now and then keeps proxies from closing an idle stream.
    if (++beats % Math.max(1, Math.round(15_000 / pollMs)) === 0) res.write(': keep-alive\n\n');
  };
  tick();
  const timer = setInterval(tick, pollMs);
  const stop = () => clearInterval(timer);
  req.on('close', stop);
  res.on('close', stop);
}
