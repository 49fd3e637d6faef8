import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Where the page's files live: beside this module in src/, or back in src/ when running from dist/. */
export function staticDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'static'), join(here, '..', '..', '..', 'src', 'dashboard', 'static')];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? candidates[0];
}

/** uPlot's files in node_modules: the only vendored files served, named one by one. */
export function uplotFiles(): Record<string, string> {
  const dist = dirname(createRequire(import.meta.url).resolve('uplot'));
  return { 'uPlot.esm.js': join(dist, 'uPlot.esm.js'), 'uPlot.min.css': join(dist, 'uPlot.min.css') };
}

/**
 * Resolve a URL path under `root`, or undefined when it would leave it: `..` segments (also
 * percent-encoded), backslashes, NUL bytes and absolute paths are all refused before touching the disk.
 */
export function safeJoin(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  if (decoded.split('/').some((seg) => seg === '..')) return undefined;
  const full = normalize(join(root, decoded));
  const base = root.endsWith(sep) ? root : root + sep;
  return full.startsWith(base) ? full : undefined;
}

/**
 * Send one file with its content type and cache policy: `immutable` for vendored library files
 * (their name changes with the package), revalidation by ETag for the page's own files so an
 * upgraded control plane is seen on the next load. Returns false when there is no such file.
 */
export function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  cache: 'revalidate' | 'long',
): boolean {
  const type = TYPES[extname(path)];
  if (!type) return false;
  let body: Buffer;
  try {
    if (!statSync(path).isFile()) return false;
    body = readFileSync(path);
  } catch {
    return false;
  }
  const etag = `"${createHash('sha1').update(body).digest('base64url').slice(0, 16)}"`;
  const headers = {
    'content-type': type,
    'cache-control': cache === 'long' ? 'public, max-age=86400' : 'no-cache',
    etag,
    'x-content-type-options': 'nosniff',
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return true;
  }
  res.writeHead(200, { ...headers, 'content-length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
