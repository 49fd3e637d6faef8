import type { Color } from '../spec/types.js';
import { bearerMatches } from './auth.js';
import { RouterError } from './errors.js';
import type { Router } from './router.js';

/** One admin request, as plain data (it may have crossed from the admin thread). */
export interface AdminRequest {
  method: string;
  /** Path and query. */
  url: string;
  authorization: string | undefined;
  body: string;
}

export interface AdminAnswer {
  status: number;
  contentType: string;
  body: string;
}

type Handler = (router: Router, body: unknown, query: URLSearchParams) => Promise<unknown>;

function color(value: unknown): Color {
  if (value !== 'blue' && value !== 'green') {
    throw new RouterError(
      'GL_ROUTER_BAD_REQUEST',
      `color: expected "blue" or "green", found ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

function intParam(q: URLSearchParams, name: string, fallback: number): number {
  const v = q.get(name);
  if (v === null) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0)
    throw new RouterError('GL_ROUTER_BAD_REQUEST', `${name}: expected a number >= 0`);
  return Math.floor(n);
}

/** The admin API (DESIGN.md "Router"), one entry per `METHOD path`. */
const ROUTES: Record<string, Handler> = {
  'GET /state': (r) => r.state(),
  'POST /switch': (r, body) => r.switchTo(color(field(body, 'to'))),
  'POST /rollback': (r) => r.rollback(),
  'POST /weights': async (r, body) => {
    await r.setWeights((body ?? null) as Record<Color, number> | null);
    return { weights: (await r.state()).weights };
  },
  'PUT /shadow': async (r, body) => {
    await r.setShadow(body as never);
    return { shadow: (await r.state()).shadow };
  },
  'GET /shadow/pairs': (r, _b, q) =>
    r.shadowPairs(intParam(q, 'since', 0), Math.min(10_000, intParam(q, 'limit', 1000))),
  'PUT /backends': async (r, body) => {
    const c = color(field(body, 'color'));
    await r.setBackends(c, field(body, 'urls') as string[], field(body, 'healthPath') as string | undefined);
    return { color: c, backends: (await r.state()).colors[c].backends };
  },
  'GET /drain': async (r, _b, q) => {
    const c = color(q.get('color'));
    const idle = await r.waitIdle(c, intParam(q, 'timeoutMs', 0));
    return { color: c, idle, inFlight: (await r.state()).colors[c].inFlight };
  },
};

const json = (status: number, value: unknown): AdminAnswer => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(value),
});

function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new RouterError('GL_ROUTER_BAD_REQUEST', 'request body is not valid JSON');
  }
}

/** Answer one admin request; never throws (errors become their JSON answer). */
export async function answer(router: Router, token: string, req: AdminRequest): Promise<AdminAnswer> {
  try {
    const url = new URL(req.url, 'http://admin');
    if (req.method === 'GET' && url.pathname === '/metrics') {
      const registry = router.metrics.registry;
      return { status: 200, contentType: registry.contentType, body: await registry.metrics() };
    }
    if (!bearerMatches(req.authorization, token)) {
      return json(401, { error: 'missing or wrong bearer token', code: 'GL_ROUTER_UNAUTHORIZED' });
    }
    const route = ROUTES[`${req.method} ${url.pathname}`];
    if (!route)
      return json(404, { error: `no route ${req.method} ${url.pathname}`, code: 'GL_ROUTER_NOT_FOUND' });
    const body = req.method === 'GET' ? undefined : parseBody(req.body);
    return json(200, await route(router, body, url.searchParams));
  } catch (err) {
    if (err instanceof RouterError) return json(err.status, { error: err.message, code: err.code });
    return json(500, { error: (err as Error).message ?? String(err), code: 'GL_ROUTER_INTERNAL' });
  }
}
