import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  body: unknown;
}

/** An answer, or undefined for 404. */
export type JsonHandler = (req: SeenRequest) => { status?: number; body: unknown } | undefined;

export interface JsonServer {
  url: string;
  /** Every request, in arrival order. */
  requests: SeenRequest[];
  close(): Promise<void>;
}

/**
 * A real node:http server on 127.0.0.1, port 0, answering JSON as `handle` says: the protocol
 * tests write each third-party server's documented answers with it (TF Serving, KServe v1, an
 * arbitrary JSON API).
 */
export async function startJsonServer(handle: JsonHandler): Promise<JsonServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (d) => {
      data += d;
    });
    req.on('end', () => {
      let body: unknown;
      try {
        body = data === '' ? undefined : JSON.parse(data);
      } catch {
        body = data;
      }
      const seen = { method: req.method ?? 'GET', path: req.url ?? '/', body };
      requests.push(seen);
      const answer = handle(seen);
      res.writeHead(answer ? (answer.status ?? 200) : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer ? answer.body : { error: `no route ${seen.method} ${seen.path}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
