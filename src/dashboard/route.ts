import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { PHASES } from '../controller/phases.js';
import { nextPhase } from '../controller/transitions.js';
import { servingTimeline } from '../store/timeline.js';
import type { Store } from '../store/types.js';
import { safeJoin, sendFile, staticDir, uplotFiles } from './static-files.js';
import type { TrafficSampler } from './traffic.js';

export interface DashboardOptions {
  store: Pick<Store, 'listAudit' | 'getDeployment'>;
  /** Live traffic per deployment; absent = the chart says there is no traffic data. */
  traffic?: TrafficSampler;
  /** Defaults to src/dashboard/static. */
  root?: string;
}

type Fallback = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;

function json(res: ServerResponse, status: number, body: unknown): true {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
  return true;
}

/** `GET /api/traffic/stream`: each new traffic point as an SSE `traffic` event. */
function trafficStream(req: IncomingMessage, res: ServerResponse, traffic: TrafficSampler): true {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.write(': greenlight traffic\n\n');
  const off = traffic.subscribe((deployment, point) => {
    res.write(`event: traffic\ndata: ${JSON.stringify({ deployment, point })}\n\n`);
  });
  req.on('close', off);
  res.on('close', off);
  return true;
}

/**
 * `/dashboard/phases.js`: where abort and rollback are possible, read from the controller's one
 * transition table, so the page's buttons can never disagree with what the controller accepts.
 */
function phasesModule(res: ServerResponse): true {
  const where = (event: 'abort' | 'rollbackRequested') =>
    PHASES.filter((p) => nextPhase(p, event) !== undefined);
  const text = `export const ABORTABLE = ${JSON.stringify(where('abort'))};\nexport const ROLLBACKABLE = ${JSON.stringify(where('rollbackRequested'))};\n`;
  res.writeHead(200, {
    'content-type': 'text/javascript; charset=utf-8',
    'cache-control': 'no-cache',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
  return true;
}

type Route = (req: IncomingMessage, res: ServerResponse, url: URL, match: RegExpExecArray) => boolean;

/**
 * The dashboard's part of the control plane's HTTP surface, given to the API as its `fallback`
 * (it sees only GET/HEAD requests no API route took): the page and its assets, uPlot from
 * node_modules, and three read-only views the page needs that the API lacks — live traffic per
 * deployment (from router metrics), its live stream, and the serving timeline (src/store/timeline.ts).
 */
export function createDashboardRoute(opts: DashboardOptions): Fallback {
  const root = opts.root ?? staticDir();
  const vendor = uplotFiles();
  const { traffic, store } = opts;
  const routes: [RegExp, Route][] = [
    [/^\/(?:index\.html)?$/, (req, res) => sendFile(req, res, join(root, 'index.html'), 'revalidate')],
    [/^\/dashboard\/phases\.js$/, (_q, res) => phasesModule(res)],
    [
      /^\/dashboard\/(.+)$/,
      (req, res, _u, m) => {
        const file = safeJoin(root, m[1]);
        return file !== undefined && sendFile(req, res, file, 'revalidate');
      },
    ],
    [
      /^\/vendor\/uplot\/([^/]+)$/,
      (req, res, _u, m) => Object.hasOwn(vendor, m[1]) && sendFile(req, res, vendor[m[1]], 'long'),
    ],
    [
      /^\/api\/traffic$/,
      (_q, res, url) => {
        const name = url.searchParams.get('deployment') ?? '';
        return json(res, 200, {
          deployment: name,
          available: traffic !== undefined,
          intervalMs: traffic?.intervalMs ?? null,
          points: traffic?.series(name) ?? [],
        });
      },
    ],
    [
      /^\/api\/traffic\/stream$/,
      (req, res) =>
        traffic
          ? trafficStream(req, res, traffic)
          : json(res, 404, { error: { code: 'GL_NOT_FOUND', message: 'no traffic data' } }),
    ],
    [
      /^\/api\/deployments\/([^/]+)\/timeline$/,
      (_q, res, _u, m) => {
        const name = decodeURIComponent(m[1]);
        if (!store.getDeployment(name))
          return json(res, 404, {
            error: { code: 'GL_NOT_FOUND', message: `no deployment named "${name}"` },
          });
        return json(res, 200, { name, intervals: servingTimeline(store, name) });
      },
    ],
  ];
  return (req, res, url) => {
    for (const [pattern, route] of routes) {
      const m = pattern.exec(url.pathname);
      if (m) return route(req, res, url, m);
    }
    return false;
  };
}
