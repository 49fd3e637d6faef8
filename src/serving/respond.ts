import type { HttpRequest } from './http/request.js';

/**
 * Send a JSON response. Every response also carries `x-model-version` (the router and the
 * validator attribute answers by it) and, while draining, `Connection: close`: the HTTP layer adds
 * both (http/connection.ts). `extra` are additional fields, such as `Allow` on a 405.
 */
export function sendJson(
  req: HttpRequest,
  status: number,
  body: unknown,
  extra?: Record<string, string>,
): void {
  let fields = '';
  if (extra) for (const [name, value] of Object.entries(extra)) fields += `${name}: ${value}\r\n`;
  req.respond(status, 'application/json', JSON.stringify(body), fields);
}

/** Send a plain-text body (Prometheus exposition format). */
export function sendText(req: HttpRequest, contentType: string, text: string): void {
  req.respond(200, contentType, text);
}
