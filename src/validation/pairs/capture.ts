import { describeNetworkError, type HttpClient, joinUrl } from '../http.js';
import type { CapturedResponse } from '../types.js';

/** Parse a body as JSON when it is JSON; keep the text otherwise (a schema diff should show it). */
export function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * POST /predict {"text"} and capture the answer. A network failure is captured too, as status 0
 * with `{error}`, so one bad call is a data point (a disagreement), not an exception.
 */
export async function capturePredict(
  client: HttpClient,
  baseUrl: string,
  text: string,
  timeoutMs = 10_000,
): Promise<CapturedResponse> {
  const started = performance.now();
  try {
    const r = await client.request('POST', joinUrl(baseUrl, '/predict'), { text }, timeoutMs);
    const version = r.headers['x-model-version'];
    return {
      status: r.status,
      body: parseBody(r.text),
      latencyMs: r.latencyMs,
      version: typeof version === 'string' ? version : undefined,
    };
  } catch (err) {
    return { status: 0, body: { error: describeNetworkError(err) }, latencyMs: performance.now() - started };
  }
}
