import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeModelServerOptions {
  version?: string;
  /** label/score for a text; default: "spam" when the text contains "win", score 0.9. */
  predict?: (text: string) => { label: string; score: number } | Record<string, unknown>;
  /** Added to every /predict answer. */
  delayMs?: number;
  /** /ready status (mutable through the returned object). */
  ready?: boolean;
  /** Serve OIP /v2 and /v2/models/model with these outputs. */
  oipOutputs?: { name: string; datatype: string; shape: number[] }[];
  /** Prometheus text for /metrics; default grows CPU by 0.001 s per request served. */
  metrics?: () => string;
  /** /predict answers this status instead (e.g. 500). */
  failWith?: number;
}

export interface FakeModelServer {
  url: string;
  requests: { predict: number };
  setReady(ready: boolean): void;
  close(): Promise<void>;
}

/**
 * A tiny node:http stand-in for the model server's contract (DESIGN.md): /predict, /health,
 * /ready, /metrics, optional OIP metadata. Tests of the gates use it where the ONNX server's
 * real behaviour is not the point; the integration tests use the real server.
 */
export async function startFakeModelServer(opts: FakeModelServerOptions = {}): Promise<FakeModelServer> {
  const version = opts.version ?? 'v1';
  let ready = opts.ready ?? true;
  const requests = { predict: 0 };
  const predict =
    opts.predict ??
    ((t: string) => (t.includes('win') ? { label: 'spam', score: 0.9 } : { label: 'ham', score: 0.8 }));
  const metrics = () =>
    opts.metrics?.() ??
    `# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total ${(requests.predict * 0.001).toFixed(6)}\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 104857600\n`;
  type Send = (status: number, body: unknown, type?: string) => void;
  const oipMetadata = () => ({
    name: 'model',
    versions: [version],
    platform: 'fake',
    inputs: [{ name: 'text', datatype: 'BYTES', shape: [-1] }],
    outputs: opts.oipOutputs,
  });
  const routes: Record<string, (send: Send) => void> = {
    '/health': (send) => send(200, { status: 'ok' }),
    '/ready': (send) => send(ready ? 200 : 503, { ready }),
    '/metrics': (send) => send(200, metrics(), 'text/plain'),
  };
  if (opts.oipOutputs) {
    routes['/v2'] = (send) => send(200, { name: 'fake', version: '1', extensions: [] });
    routes['/v2/models/model'] = (send) => send(200, oipMetadata());
  }
  const answerPredict = (data: string, send: Send) => {
    if (opts.failWith) return send(opts.failWith, { error: 'failing on purpose' });
    try {
      send(200, { ...predict(String(JSON.parse(data).text ?? '')), model_version: version });
    } catch {
      send(400, { error: 'bad json' });
    }
  };
  const server: Server = createServer((req, res) => {
    const send: Send = (status, body, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type, 'x-model-version': version });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    let data = '';
    req.on('data', (c) => {
      data += c;
    });
    req.on('end', () => {
      const path = req.url ?? '/';
      const route = routes[path];
      if (route) return route(send);
      if (path !== '/predict' || req.method !== 'POST') return send(404, { error: 'not found' });
      requests.predict++;
      if (opts.delayMs) setTimeout(() => answerPredict(data, send), opts.delayMs);
      else answerPredict(data, send);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setReady: (r) => {
      ready = r;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A clock whose sleeps advance time instantly: deadline logic is tested without waiting. */
export function fakeClock(start = 0) {
  let t = start;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}
