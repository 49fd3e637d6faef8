import type http from 'node:http';
import type { AdminAnswer } from './admin-routes.js';

/** Largest admin request body accepted. */
export const MAX_ADMIN_BODY = 64 * 1024;

/** Read a request body as text; resolves null when it is over MAX_ADMIN_BODY. */
export function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size <= MAX_ADMIN_BODY) parts.push(d);
    });
    req.on('end', () => resolve(size > MAX_ADMIN_BODY ? null : Buffer.concat(parts).toString('utf8')));
    req.on('error', () => resolve(null));
  });
}

export function write(res: http.ServerResponse, a: AdminAnswer): void {
  const headers: http.OutgoingHttpHeaders = {
    'content-type': a.contentType,
    'content-length': Buffer.byteLength(a.body),
  };
  if (a.status === 401) headers['www-authenticate'] = 'Bearer';
  res.writeHead(a.status, headers);
  res.end(a.body);
}

export const TOO_LARGE: AdminAnswer = {
  status: 413,
  contentType: 'application/json',
  body: JSON.stringify({ error: 'admin request body too large', code: 'GL_ROUTER_BODY_TOO_LARGE' }),
};
