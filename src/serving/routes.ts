/** Every endpoint of the model server (DESIGN.md "Model server" and OIP v2). */
export type RouteName =
  | 'predict'
  | 'health'
  | 'ready'
  | 'metrics'
  | 'server-metadata'
  | 'server-live'
  | 'server-ready'
  | 'model-metadata'
  | 'model-ready'
  | 'model-infer';

/** The one method each route answers (GET routes also answer HEAD). */
export const ROUTE_METHOD: Record<RouteName, 'GET' | 'POST'> = {
  predict: 'POST',
  health: 'GET',
  ready: 'GET',
  metrics: 'GET',
  'server-metadata': 'GET',
  'server-live': 'GET',
  'server-ready': 'GET',
  'model-metadata': 'GET',
  'model-ready': 'GET',
  'model-infer': 'POST',
};

export interface MatchedRoute {
  name: RouteName;
  /** For /v2/models/{model}[/versions/{modelVersion}]/…: the path parameters, URL-decoded. */
  model?: string;
  modelVersion?: string;
}

const STATIC: Record<string, RouteName> = {
  '/predict': 'predict',
  '/health': 'health',
  '/ready': 'ready',
  '/metrics': 'metrics',
  '/v2': 'server-metadata',
  '/v2/health/live': 'server-live',
  '/v2/health/ready': 'server-ready',
};

const MODEL_PATH = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/;
const MODEL_ROUTE: Record<string, RouteName> = {
  '': 'model-metadata',
  '/ready': 'model-ready',
  '/infer': 'model-infer',
};

/** Match a request target (path and optional query) to a route; undefined when nothing matches. */
export function matchRoute(url: string): MatchedRoute | undefined {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const name = STATIC[path];
  if (name !== undefined) return { name };
  const m = MODEL_PATH.exec(path);
  if (m === null) return undefined;
  try {
    return {
      name: MODEL_ROUTE[m[3] ?? ''],
      model: decodeURIComponent(m[1]),
      modelVersion: m[2] === undefined ? undefined : decodeURIComponent(m[2]),
    };
  } catch {
    return undefined; // malformed percent-encoding names no model of ours
  }
}
