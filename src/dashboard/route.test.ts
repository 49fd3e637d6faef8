import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHASES } from '../controller/phases.js';
import { nextPhase } from '../controller/transitions.js';
import { openStore } from '../store/sqlite-store.js';
import type { Store } from '../store/types.js';
import { createDashboardRoute } from './route.js';
import { safeJoin } from './static-files.js';

let store: Store;
let server: Server;
let port: number;

/** A raw GET: the path goes on the wire as written (fetch would normalize `..` away first). */
function get(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

beforeAll(async () => {
  store = openStore(':memory:');
  const route = createDashboardRoute({ store });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!route(req, res, url)) {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  store.close();
});

describe('dashboard static route', () => {
  it('serves the page at / with its content type, no-cache and an ETag that revalidates', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.body).toContain('<script type="module" src="/dashboard/app.js">');
    const again = await get('/', { 'if-none-match': String(page.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
  });

  it('serves the page modules, stylesheet and icon with their types', async () => {
    expect((await get('/dashboard/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/dashboard/style.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get('/dashboard/favicon.svg')).headers['content-type']).toBe('image/svg+xml');
  });

  it("serves where abort and rollback are possible, read from the controller's transition table", async () => {
    const r = await get('/dashboard/phases.js');
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const mod = Object.fromEntries(
      [...r.body.matchAll(/export const (\w+) = (\[.*\]);/g)].map((m) => [m[1], JSON.parse(m[2])]),
    );
    for (const p of PHASES) {
      expect(mod.ABORTABLE.includes(p), p).toBe(nextPhase(p, 'abort') !== undefined);
      expect(mod.ROLLBACKABLE.includes(p), p).toBe(nextPhase(p, 'rollbackRequested') !== undefined);
    }
    expect(mod.ABORTABLE).toContain('Validating');
    expect(mod.ROLLBACKABLE).toContain('Observing');
  });

  it('serves uPlot from node_modules, cached for a day, and nothing else from there', async () => {
    const js = await get('/vendor/uplot/uPlot.esm.js');
    expect(js.status).toBe(200);
    expect(js.headers['cache-control']).toBe('public, max-age=86400');
    expect(js.body).toContain('export');
    expect((await get('/vendor/uplot/uPlot.min.css')).headers['content-type']).toBe(
      'text/css; charset=utf-8',
    );
    for (const p of [
      '/vendor/uplot/uPlot.d.ts',
      '/vendor/uplot/package.json',
      '/vendor/uplot/constructor',
      '/vendor/uplot/__proto__',
    ])
      expect((await get(p)).status, p).toBe(404);
  });

  it('refuses every way out of the static directory', async () => {
    const attempts = [
      '/dashboard/../../../package.json',
      '/dashboard/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/dashboard/..%2f..%2f..%2fpackage.json',
      '/dashboard/..%5c..%5cpackage.json',
      '/dashboard/%2fetc%2fpasswd',
      '/dashboard/app.js%00.html',
      '/dashboard/%E0%A4%A',
      '/dashboard/../route.ts',
      '/dashboard/',
      '/dashboard/missing.js',
    ];
    for (const p of attempts) {
      const r = await get(p);
      expect(r.status, p).toBe(404);
      expect(r.body, p).not.toContain('"name": "greenlight"');
    }
  });

  it('safeJoin keeps every path under the root', () => {
    expect(safeJoin('/srv/static', 'app.js')).toBe('/srv/static/app.js');
    expect(safeJoin('/srv/static', 'a/b.css')).toBe('/srv/static/a/b.css');
    expect(safeJoin('/srv/static', '../x')).toBeUndefined();
    expect(safeJoin('/srv/static', '%2e%2e/x')).toBeUndefined();
    expect(safeJoin('/srv/static', 'a/../../x')).toBeUndefined();
    expect(safeJoin('/srv/static', '/etc/passwd')).toBe('/srv/static/etc/passwd');
    expect(safeJoin('/srv/static', 'a\\..\\x')).toBeUndefined();
    expect(safeJoin('/srv/static', 'x%00')).toBeUndefined();
    expect(safeJoin('/srv/static', '%zz')).toBeUndefined();
  });

  it('answers the read-only views it adds: traffic (none here) and the serving timeline', async () => {
    const t = await get('/api/traffic?deployment=spam');
    expect(JSON.parse(t.body)).toEqual({
      deployment: 'spam',
      available: false,
      intervalMs: null,
      points: [],
    });
    expect((await get('/api/traffic/stream')).status).toBe(404);
    expect((await get('/api/deployments/nope/timeline')).status).toBe(404);
  });
});
