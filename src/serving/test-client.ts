import { Readable } from 'node:stream';
import { Agent, type Dispatcher, request } from 'undici';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests assert on response fields directly
  json: any;
}

/**
 * A small HTTP client for serving tests: each call returns status, headers and body; `close()`
 * ends its keep-alive connections (tests must not leave sockets open).
 */
export function testClient(base: string, connections = 16) {
  const agent = new Agent({ connections, keepAliveTimeout: 10_000 });
  async function call(
    method: Dispatcher.HttpMethod,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) {
    const res = await request(`${base}${path}`, {
      method,
      dispatcher: agent,
      headers: { 'content-type': 'application/json', ...headers },
      body:
        body === undefined || typeof body === 'string' || body instanceof Readable
          ? body
          : JSON.stringify(body),
    });
    const text = await res.body.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, text, json } as Answer;
  }
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown, headers?: Record<string, string>) =>
      call('POST', path, body, headers),
    call,
    close: () => agent.close(),
  };
}
