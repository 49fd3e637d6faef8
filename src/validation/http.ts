import { Agent, request } from 'undici';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  latencyMs: number;
}

/** The engine's one HTTP seam: keep-alive connections, per-call timeout, close when done. */
export interface HttpClient {
  request(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    body?: unknown,
    timeoutMs?: number,
  ): Promise<HttpResponse>;
  close(): Promise<void>;
}

/** An undici-backed client; `connections` bounds sockets per origin (the load generator's concurrency). */
export function createHttpClient(opts: { connections?: number } = {}): HttpClient {
  const agent = new Agent({ connections: opts.connections ?? 16, keepAliveTimeout: 10_000 });
  return {
    async request(method, url, body, timeoutMs = 10_000) {
      const started = performance.now();
      const res = await request(url, {
        method,
        dispatcher: agent,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.body.text();
      return { status: res.statusCode, headers: res.headers, text, latencyMs: performance.now() - started };
    },
    close: () => agent.close(),
  };
}

/** A network failure as one line: "connect ECONNREFUSED 127.0.0.1:1", "timed out after 10000 ms". */
export function describeNetworkError(err: unknown): string {
  const e = err as {
    code?: string;
    message?: string;
    name?: string;
    cause?: { message?: string; code?: string };
  };
  if (
    e?.name === 'TimeoutError' ||
    e?.code === 'UND_ERR_HEADERS_TIMEOUT' ||
    e?.code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    return 'timed out';
  }
  const msg = e?.cause?.message ?? e?.message ?? String(err);
  const code = e?.cause?.code ?? e?.code;
  return code && !msg.includes(code) ? `${msg} (${code})` : msg;
}

/** Join a base URL and a path without doubling or dropping the slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}
