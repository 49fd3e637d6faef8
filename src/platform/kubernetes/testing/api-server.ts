import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { ApiError } from './api-error.js';
import { selfSignedCertificate } from './certificate.js';
import { establishedStatus, typeFromCrd } from './crd-type.js';
import { coreVersions, groupInfo, groupList, resourceList } from './discovery.js';
import { GarbageCollector } from './garbage-collector.js';
import { readBody, sendError, sendJson } from './http-io.js';
import { type KubeObject, timestamp } from './kube-object.js';
import { writeKubeconfig } from './kubeconfig.js';
import { ObjectStore } from './object-store.js';
import { OPENAPI_V2_PROTOBUF, openApiV2Protobuf } from './openapi.js';
import { parseTarget } from './request-target.js';
import * as handlers from './resource-handlers.js';
import { builtinTypes, type ResourceType, typeKey } from './resource-type.js';
import { TypeRegistry } from './type-registry.js';
import { isWatch, watch } from './watch-handler.js';
import type { WatchStream } from './watch-stream.js';

export interface ApiServerOptions {
  /** Changes kept for watches from a resourceVersion (default 1000); older ones get 410 Gone. */
  historySize?: number;
  /** Run the garbage collector and namespace cleanup (default true; envtest has neither). */
  garbageCollector?: boolean;
  /** Interval of BOOKMARK events on watches that allow them (default 1000 ms; kube-apiserver: ~1 min). */
  bookmarkIntervalMs?: number;
  /** How an expired watch is refused, see WatchOptions.gone (default `event`, as kube-apiserver). */
  watchGone?: 'event' | 'status';
  /** The bearer token clients must send (default: random). */
  token?: string;
  now?: () => Date;
}

/** A running emulated API server and its test controls. */
export interface EmulatedApiServer {
  /** https://127.0.0.1:PORT */
  url: string;
  token: string;
  /** The server's self-signed certificate (PEM): the CA a client must trust. */
  caPem: string;
  store: ObjectStore;
  types: TypeRegistry;
  /** Write a kubeconfig for this server (current context's namespace `namespace`); returns `path`. */
  writeKubeconfig(path: string, namespace?: string): string;
  /** Open watches now. */
  openWatches(): number;
  /** End every open watch, as the server does at its watch timeout or on restart. Returns how many. */
  closeWatches(): number;
  /** Keep every open watch's connection but never send on it again (a silently dead watch). */
  stallWatches(): number;
  /** Send every open watch an ERROR event with a 410 Status and end it (history compacted under it). */
  expireWatches(): number;
  /** Forget the change history: a watch from any older resourceVersion now gets 410 Gone. */
  compact(): void;
  close(): Promise<void>;
}

/**
 * Start the emulated Kubernetes API server on 127.0.0.1, port 0, over TLS (needs the openssl command): a test tool that speaks the real
 * REST protocol to real clients (client-node, kubectl, the Python client). docs/kubernetes.md lists
 * what it covers and what it does not.
 */
export async function startApiServer(options: ApiServerOptions = {}): Promise<EmulatedApiServer> {
  const now = options.now ?? (() => new Date());
  const token = options.token ?? randomBytes(16).toString('hex');
  const types = new TypeRegistry(builtinTypes());
  const store = new ObjectStore({ historySize: options.historySize ?? 1000, now });
  const open = new Set<WatchStream>();
  const namespaceType = types.find('', 'v1', 'namespaces')!;
  const crdType = types.find('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')!;
  for (const ns of ['default', 'kube-system', 'kube-public']) {
    store.create(namespaceType, { metadata: { name: ns } }, { phase: 'Active' });
  }
  const gc = options.garbageCollector === false ? undefined : new GarbageCollector(store, namespaceType);
  // a deleted CRD takes its custom resources with it (kube-apiserver's customresourcecleanup finalizer)
  const unsubscribeCrds = store.subscribe((c) => {
    if (c.type !== crdType || c.event !== 'DELETED') return;
    const spec = c.object.spec as { group: string; names: { plural: string } };
    const key = `${spec.group}/${spec.names.plural}`;
    const t = types.byKey(key);
    if (!t) return;
    types.remove(key);
    setImmediate(() => store.dropType(t));
  });

  const ctx: handlers.HandlerContext = {
    store,
    namespaces: namespaceType,
    now,
    initialStatus: (t, o) => {
      if (t === namespaceType) return { phase: 'Active' };
      if (t === crdType) return establishedStatus(o, timestamp(now()));
      return undefined;
    },
    admit: (t, o) => {
      if (t === crdType) typeFromCrd(o);
    },
    afterWrite: (t, o) => {
      if (t !== crdType || o.metadata.deletionTimestamp) return;
      const served = typeFromCrd(o);
      const old = types.byKey(typeKey(served));
      if (old && !old.custom) return;
      types.add(served);
    },
  };

  /** One non-watch request on a resource, by method. */
  const dispatch = async (
    req: IncomingMessage,
    target: NonNullable<ReturnType<typeof parseTarget>>,
    q: URLSearchParams,
  ): Promise<handlers.Reply> => {
    switch (req.method) {
      case 'GET':
        return handlers.getOrList(ctx, target, q, req);
      case 'POST':
        return handlers.create(ctx, target, q, await readBody(req));
      case 'PUT':
        return handlers.replace(ctx, target, q, await readBody(req));
      case 'PATCH':
        return handlers.patch(ctx, target, q, await readBody(req), req.headers['content-type'] ?? '');
      case 'DELETE':
        return handlers.remove(ctx, target, q, await readBody(req));
      default:
        throw new ApiError(405, 'MethodNotAllowed', `the server does not allow method ${req.method}`);
    }
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    }
    const url = new URL(req.url ?? '/', 'http://emulated');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const q = url.searchParams;
    if (req.method === 'GET' && nonResource(path, res)) return;
    const target = parseTarget(path, types);
    if (!target) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    // the only subresource served is /status (no /scale, /log, /exec …), and only where the type has it
    const statusOk =
      target.subresource === 'status' &&
      target.type.statusSubresource &&
      req.method !== 'POST' &&
      req.method !== 'DELETE';
    if (target.subresource !== undefined && !statusOk) {
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    if (req.method === 'GET' && !target.name && isWatch(q)) {
      const gone = options.watchGone ?? 'event';
      watch(
        { store, now, open, bookmarkIntervalMs: options.bookmarkIntervalMs ?? 1000, gone },
        target,
        q,
        req,
        res,
      );
      return;
    }
    const reply = await dispatch(req, target, q);
    sendJson(res, reply.code, reply.body, reply.warnings);
  };

  /** Non-resource paths: version, health, OpenAPI, discovery. False when `path` is none of them. */
  const nonResource = (path: string, res: ServerResponse): boolean => {
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return true;
    }
    if (path === '/openapi/v2') {
      const doc = openApiV2Protobuf();
      res.writeHead(200, { 'content-type': OPENAPI_V2_PROTOBUF, 'content-length': String(doc.length) });
      res.end(doc);
      return true;
    }
    const body = discovery(path);
    if (body === null) return false;
    if (body === undefined)
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    sendJson(res, 200, body);
    return true;
  };

  /** A discovery document, undefined for an unknown group or version, null for a path that is not discovery. */
  const discovery = (path: string): unknown => {
    const segs = path.split('/').slice(1);
    if (path === '/version') return VERSION;
    if (path === '/api') return coreVersions(address);
    if (path === '/apis') return groupList(types);
    if (segs[0] === 'api' && segs.length === 2) return resourceList(types, '', segs[1]);
    if (segs[0] === 'apis' && segs.length === 2) return groupInfo(types, segs[1]);
    if (segs[0] === 'apis' && segs.length === 3) return resourceList(types, segs[1], segs[2]);
    return null;
  };

  const sockets = new Set<Duplex>();
  const tls = selfSignedCertificate();
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof ApiError) sendError(res, err);
      else
        sendError(
          res,
          new ApiError(500, 'InternalError', `Internal error occurred: ${(err as Error).message}`),
        );
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const address = `127.0.0.1:${port}`;
  const url = `https://${address}`;
  const each = (f: (w: WatchStream) => void): number => {
    const list = [...open];
    for (const w of list) f(w);
    return list.length;
  };

  return {
    url,
    token,
    store,
    types,
    caPem: tls.cert,
    writeKubeconfig: (path, namespace) => writeKubeconfig(path, url, token, tls.cert, namespace),
    openWatches: () => open.size,
    closeWatches: () => each((w) => w.close()),
    stallWatches: () => each((w) => w.stall()),
    expireWatches: () => {
      store.compact();
      return each((w) =>
        w.fail(
          new ApiError(410, 'Expired', `too old resource version: watch expired (${store.resourceVersion})`),
        ),
      );
    },
    compact: () => store.compact(),
    close: async () => {
      gc?.stop();
      unsubscribeCrds();
      for (const w of [...open]) w.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

/** What /version reports: a kube-apiserver version both kubectl 1.20 and 1.32 talk to without complaint. */
const VERSION = {
  major: '1',
  minor: '30',
  gitVersion: 'v1.30.0-greenlight-emulated',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.22.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export type { KubeObject, ResourceType };
