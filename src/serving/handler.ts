import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleInference, type InferenceContext } from './inference.js';
import { isReady } from './lifecycle.js';
import { modelMetadata } from './oip.js';
import { sendJson, sendText } from './respond.js';
import { type MatchedRoute, matchRoute, ROUTE_METHOD } from './routes.js';

export interface HandlerContext extends InferenceContext {
  /** Server version reported by OIP `GET /v2`. */
  serverVersion: string;
}

/** The node:http request listener: match the route, check the method, answer. */
export function createRequestHandler(
  ctx: HandlerContext,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const route = matchRoute(req.url ?? '/');
    if (route === undefined) {
      sendJson(res, ctx, 404, { error: `no such endpoint: ${req.method} ${req.url}` });
      return;
    }
    const allowed = ROUTE_METHOD[route.name];
    if (req.method !== allowed && !(allowed === 'GET' && req.method === 'HEAD')) {
      sendJson(
        res,
        ctx,
        405,
        { error: `${req.url} accepts ${allowed}, not ${req.method}` },
        { allow: allowed },
      );
      return;
    }
    if (route.model !== undefined && !servesModel(route, ctx)) {
      const which =
        route.modelVersion === undefined ? route.model : `${route.model} version ${route.modelVersion}`;
      sendJson(res, ctx, 404, {
        error: `model ${which} is not served here (this server serves ${ctx.name} version ${ctx.version})`,
      });
      return;
    }
    answer(route, req, res, ctx);
  };
}

function servesModel(route: MatchedRoute, ctx: HandlerContext): boolean {
  return route.model === ctx.name && (route.modelVersion === undefined || route.modelVersion === ctx.version);
}

function answer(route: MatchedRoute, req: IncomingMessage, res: ServerResponse, ctx: HandlerContext): void {
  const ready = isReady(ctx.lifecycle);
  // A failed server (warm-up failed, inference thread died) is not alive: a liveness probe restarts it.
  const alive = ctx.lifecycle.state !== 'failed';
  switch (route.name) {
    case 'predict':
      void handleInference(req, res, ctx, 'predict');
      return;
    case 'model-infer':
      void handleInference(req, res, ctx, 'infer');
      return;
    case 'health':
      sendJson(res, ctx, alive ? 200 : 503, {
        status: alive ? 'alive' : 'failed',
        model_version: ctx.version,
      });
      return;
    case 'server-live':
      sendJson(res, ctx, alive ? 200 : 503, { live: alive });
      return;
    case 'ready':
      sendJson(res, ctx, ready ? 200 : 503, {
        ready,
        state: ctx.lifecycle.state,
        model_version: ctx.version,
      });
      return;
    case 'server-ready':
      sendJson(res, ctx, ready ? 200 : 503, { ready });
      return;
    case 'model-ready':
      sendJson(res, ctx, ready ? 200 : 503, { name: ctx.name, ready });
      return;
    case 'server-metadata':
      sendJson(res, ctx, 200, { name: 'greenlight', version: ctx.serverVersion, extensions: [] });
      return;
    case 'model-metadata':
      sendJson(res, ctx, 200, modelMetadata(ctx.name, ctx.version));
      return;
    case 'metrics':
      void sendMetrics(res, ctx);
      return;
  }
}

async function sendMetrics(res: ServerResponse, ctx: HandlerContext): Promise<void> {
  try {
    sendText(res, ctx, ctx.metrics.registry.contentType, await ctx.metrics.registry.metrics());
  } catch (err) {
    sendJson(res, ctx, 500, { error: `metrics unavailable: ${(err as Error).message}` });
  }
}
