import type { ServerResponse } from 'node:http';
import type { Lifecycle } from './lifecycle.js';

/** What every response needs to know about the server. */
export interface ResponseContext {
  version: string;
  lifecycle: Lifecycle;
}

/**
 * Send a JSON response. Every response carries `x-model-version` (the router and the validator
 * attribute answers by it). While draining, `Connection: close` makes keep-alive clients open
 * their next request elsewhere instead of on a socket that is about to close.
 */
export function sendJson(
  res: ServerResponse,
  ctx: ResponseContext,
  status: number,
  body: unknown,
  extra?: Record<string, string>,
): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-model-version': ctx.version,
    ...extra,
  };
  if (ctx.lifecycle.state === 'draining') headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(text);
}

/** Send a plain-text body (Prometheus exposition format). */
export function sendText(res: ServerResponse, ctx: ResponseContext, contentType: string, text: string): void {
  const headers: Record<string, string | number> = {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-model-version': ctx.version,
  };
  if (ctx.lifecycle.state === 'draining') headers.connection = 'close';
  res.writeHead(200, headers);
  res.end(text);
}
