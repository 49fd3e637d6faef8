import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAbsolute, resolve } from 'node:path';
import { GreenlightError, InvalidDocumentError } from '../errors.js';
import type { DeploymentSpec } from '../spec/types.js';
import { defaultRequestLogPath } from '../store/data-dir.js';
import type { IntentKind, Store } from '../store/types.js';
import { describeView, listViews } from './deployment-view.js';
import { serveEvents } from './events.js';
import { ApiError, parseJsonObject, readBody, sendError, sendJson } from './http-util.js';
import { type AdminTokens, actorFor } from './tokens.js';

export interface ApiDeps {
  store: Store;
  tokens: AdminTokens;
  /** src/spec parseSpec: throws InvalidDocumentError with every problem. */
  parseSpec: (text: string, baseDir: string) => DeploymentSpec;
  /** src/spec loadSpec. */
  loadSpec: (path: string) => DeploymentSpec | Promise<DeploymentSpec>;
  /** Prometheus text for GET /metrics. */
  metrics?: () => Promise<string> | string;
  /** Extra fields for GET /health (traffic URL, data plane…). */
  info?: () => Record<string, unknown>;
  /** The data directory: where a request log without its own path is written. */
  dataDir?: string;
  /** How often the events stream looks for new audit records. */
  eventsPollMs?: number;
  /**
   * Serves what the API does not (the dashboard's pages and assets): returns true when it answered.
   * Called for GET requests that match no API route, before the 404.
   */
  fallback?: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;
}

type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  params: string[],
  url: URL,
) => Promise<void> | void;

const OPERATOR_COMMANDS = new Set<IntentKind>(['promote', 'rollback', 'abort']);

/**
 * The control plane's HTTP API. Read calls are open; every mutation needs an admin token and only
 * records an intent (STYLE.md §9): the controller's next pass does the work.
 */
export function createApiHandler(deps: ApiDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { store } = deps;

  function requireActor(req: IncomingMessage): string {
    const actor = actorFor(deps.tokens, req.headers.authorization);
    if (!actor)
      throw new ApiError(401, 'GL_UNAUTHORIZED', 'an admin token is required: Authorization: Bearer <token>');
    return actor;
  }

  /** The intent and its audit record are one write: an accepted command is never missing from the log. */
  function recordIntent(name: string, kind: IntentKind, actor: string, reason: string | null, payload = {}) {
    return store.transaction(() => {
      const intent = store.addIntent({ deployment: name, kind, actor, reason, payload });
      const audit = store.appendAudit({
        deployment: name,
        rolloutId: store.getDeployment(name)?.currentRolloutId ?? null,
        kind: 'command',
        actor,
        data: {
          command: kind,
          intentId: intent.id,
          reason,
          ...(kind === 'apply' ? { summary: summarize(payload) } : {}),
        },
      });
      return { id: intent.id, auditSeq: audit.seq };
    });
  }

  async function specFromBody(body: Record<string, unknown>): Promise<DeploymentSpec> {
    try {
      if (typeof body.spec === 'string') {
        const baseDir = typeof body.baseDir === 'string' ? body.baseDir : process.cwd();
        if (!isAbsolute(baseDir))
          throw new ApiError(400, 'GL_BAD_REQUEST', 'baseDir must be an absolute path');
        return deps.parseSpec(body.spec, baseDir);
      }
      if (typeof body.path === 'string') return await deps.loadSpec(resolve(body.path));
    } catch (err) {
      if (err instanceof InvalidDocumentError)
        throw new ApiError(400, err.code, 'the spec is invalid', err.problems);
      if (err instanceof GreenlightError) throw new ApiError(400, err.code, err.message);
      throw err;
    }
    throw new ApiError(
      400,
      'GL_BAD_REQUEST',
      'body must be {"spec": "<yaml>", "baseDir": "/abs/dir"} or {"path": "spec.yaml"}',
    );
  }

  const routes: [string, RegExp, Handler][] = [
    ['GET', /^\/health$/, (_q, res) => sendJson(res, 200, { status: 'ok', ...deps.info?.() })],
    [
      'GET',
      /^\/metrics$/,
      async (_q, res) => {
        const text = (await deps.metrics?.()) ?? '';
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(text);
      },
    ],
    ['GET', /^\/api\/deployments$/, (_q, res) => sendJson(res, 200, { deployments: listViews(store) })],
    [
      'POST',
      /^\/api\/deployments$/,
      async (req, res) => {
        const actor = requireActor(req);
        const body = parseJsonObject(await readBody(req));
        const spec = await specFromBody(body);
        const intent = recordIntent(
          spec.name,
          'apply',
          actor,
          typeof body.reason === 'string' ? body.reason : null,
          {
            spec,
          },
        );
        sendJson(res, 202, { name: spec.name, intent: intent.id, kind: 'apply', auditSeq: intent.auditSeq });
      },
    ],
    [
      'GET',
      /^\/api\/deployments\/([^/]+)$/,
      (_q, res, [name]) => {
        const view = describeView(store, name);
        if (!view) throw notFound(name);
        sendJson(res, 200, view);
      },
    ],
    [
      'GET',
      /^\/api\/deployments\/([^/]+)\/history$/,
      (_q, res, [name], url) => {
        const rollouts = store.listRollouts(name, Number(url.searchParams.get('limit') ?? 50));
        if (rollouts.length === 0 && !store.getDeployment(name)) throw notFound(name);
        sendJson(res, 200, { name, rollouts });
      },
    ],
    [
      'GET',
      /^\/api\/deployments\/([^/]+)\/request-log$/,
      (_q, res, [name]) => {
        const d = store.getDeployment(name);
        if (!d) throw notFound(name);
        const r = d.spec.observability?.requestLog;
        const path = r?.path ?? (deps.dataDir ? defaultRequestLogPath(deps.dataDir) : null);
        sendJson(res, 200, { name, enabled: r?.enabled ?? false, path });
      },
    ],
    [
      'POST',
      /^\/api\/deployments\/([^/]+)\/(promote|rollback|abort)$/,
      async (req, res, [name, kind]) => {
        const actor = requireActor(req);
        const body = parseJsonObject(await readBody(req));
        if (!store.getDeployment(name)) throw notFound(name);
        const reason = typeof body.reason === 'string' && body.reason !== '' ? body.reason : null;
        if (!OPERATOR_COMMANDS.has(kind as IntentKind)) throw notFound(name);
        // promote --full: skip the remaining rollout steps (the controller reads payload.full).
        const payload = kind === 'promote' && body.full === true ? { full: true } : {};
        const intent = recordIntent(name, kind as IntentKind, actor, reason, payload);
        sendJson(res, 202, { name, intent: intent.id, kind, auditSeq: intent.auditSeq });
      },
    ],
    [
      'GET',
      /^\/api\/audit$/,
      (_q, res, _p, url) => {
        const deployment = url.searchParams.get('deployment') ?? undefined;
        const sinceSeq = Number(url.searchParams.get('since') ?? 0);
        const limit = Number(url.searchParams.get('limit') ?? 1000);
        sendJson(res, 200, { records: store.listAudit({ deployment, sinceSeq, limit }) });
      },
    ],
    ['GET', /^\/api\/audit\/verify$/, (_q, res) => sendJson(res, 200, store.verifyAudit())],
    [
      'GET',
      /^\/api\/events$/,
      (req, res, _p, url) => serveEvents(store, req, res, url, deps.eventsPollMs ?? 250),
    ],
  ];

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://control-plane');
    const run = async () => {
      for (const [method, pattern, handler] of routes) {
        const m = pattern.exec(url.pathname);
        if (!m) continue;
        if (req.method !== method && !(method === 'GET' && req.method === 'HEAD')) continue;
        return handler(req, res, m.slice(1).map(decodeURIComponent), url);
      }
      if (req.method === 'GET' && deps.fallback && (await deps.fallback(req, res, url))) return;
      throw new ApiError(404, 'GL_NOT_FOUND', `no route for ${req.method} ${url.pathname}`);
    };
    run().catch((err: unknown) => {
      if (res.headersSent) return res.destroy();
      if (err instanceof ApiError) return sendError(res, err);
      sendError(
        res,
        new ApiError(500, (err as GreenlightError).code ?? 'GL_INTERNAL', (err as Error).message),
      );
    });
  };
}

function notFound(name: string): ApiError {
  return new ApiError(404, 'GL_NOT_FOUND', `no deployment named "${name}"`);
}

function summarize(payload: { spec?: DeploymentSpec }): Record<string, string> | undefined {
  const s = payload.spec;
  if (!s) return undefined;
  return { blue: s.blue.modelVersion, green: s.green.modelVersion };
}
