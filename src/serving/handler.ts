import type { HttpRequest } from './http/request.js';
import { handleInference, type InferenceContext } from './inference.js';
import { isReady } from './lifecycle.js';
import { modelMetadata } from './oip.js';
import { sendJson, sendText } from './respond.js';
import { type MatchedRoute, matchRoute, ROUTE_METHOD } from './routes.js';
import { tensorMetadata } from './tensor/metadata.js';

export interface HandlerContext extends InferenceContext {
  /** Server version reported by OIP `GET /v2`. */
  serverVersion: string;
}

/** The request handler: match the route, check the method, answer. */
export function createRequestHandler(ctx: HandlerContext): (req: HttpRequest) => void {
  return (req) => {
    const route = matchRoute(req.target);
    if (route === undefined) {
      sendJson(req, 404, { error: `no such endpoint: ${req.method} ${req.target}` });
      return;
    }
    const allowed = ROUTE_METHOD[route.name];
    if (req.method !== allowed && !(allowed === 'GET' && req.method === 'HEAD')) {
      sendJson(
        req,
        405,
        { error: `${req.target} accepts ${allowed}, not ${req.method}` },
        { allow: allowed },
      );
      return;
    }
    if (route.model !== undefined && !servesModel(route, ctx)) {
      const which =
        route.modelVersion === undefined ? route.model : `${route.model} version ${route.modelVersion}`;
      sendJson(req, 404, {
        error: `model ${which} is not served here (this server serves ${ctx.name} version ${ctx.version})`,
      });
      return;
    }
    answer(route, req, ctx);
  };
}

function servesModel(route: MatchedRoute, ctx: HandlerContext): boolean {
  return route.model === ctx.name && (route.modelVersion === undefined || route.modelVersion === ctx.version);
}

function answer(route: MatchedRoute, req: HttpRequest, ctx: HandlerContext): void {
  const ready = isReady(ctx.lifecycle);
  // A failed server (warm-up failed, inference thread died) is not alive: a liveness probe restarts it.
  const alive = ctx.lifecycle.state !== 'failed';
  switch (route.name) {
    case 'predict':
      if (ctx.tensor) {
        sendJson(req, 404, {
          error: `this model has no /predict (it is not a greenlight text model): use OIP v2, POST /v2/models/${ctx.name}/infer; GET /v2/models/${ctx.name} lists its inputs and outputs`,
        });
        return;
      }
      void handleInference(req, ctx, 'predict');
      return;
    case 'model-infer':
      void handleInference(req, ctx, 'infer');
      return;
    case 'health':
      sendJson(req, alive ? 200 : 503, {
        status: alive ? 'alive' : 'failed',
        model_version: ctx.version,
      });
      return;
    case 'server-live':
      sendJson(req, alive ? 200 : 503, { live: alive });
      return;
    case 'ready':
      sendJson(req, ready ? 200 : 503, {
        ready,
        state: ctx.lifecycle.state,
        model_version: ctx.version,
      });
      return;
    case 'server-ready':
      sendJson(req, ready ? 200 : 503, { ready });
      return;
    case 'model-ready':
      sendJson(req, ready ? 200 : 503, { name: ctx.name, ready });
      return;
    case 'server-metadata':
      sendJson(req, 200, { name: 'greenlight', version: ctx.serverVersion, extensions: [] });
      return;
    case 'model-metadata':
      sendJson(
        req,
        200,
        ctx.tensor
          ? tensorMetadata(ctx.name, ctx.version, ctx.tensor.model)
          : modelMetadata(ctx.name, ctx.version),
      );
      return;
    case 'metrics':
      void sendMetrics(req, ctx);
      return;
  }
}

async function sendMetrics(req: HttpRequest, ctx: HandlerContext): Promise<void> {
  try {
    sendText(req, ctx.metrics.registry.contentType, await ctx.metrics.registry.metrics());
  } catch (err) {
    sendJson(req, 500, { error: `metrics unavailable: ${(err as Error).message}` });
  }
}
