import type { Prediction } from '../../protocols/prediction.js';
import type { DecodeError, EncodedRequest } from '../../protocols/protocol.js';
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

/** Reads the prediction from a parsed 2xx body (a protocol's decode, bound to the output kind). */
export type Decoder = (body: unknown) => Prediction | DecodeError;

/** A captured answer with its prediction decoded: 2xx answers only, a mapping miss recorded as decodeError. */
export function withPrediction(r: CapturedResponse, decode: Decoder | undefined): CapturedResponse {
  if (!decode || r.status < 200 || r.status >= 300) return r;
  const p = decode(r.body);
  return p instanceof Error ? { ...r, decodeError: p.message } : { ...r, prediction: p };
}

/**
 * Send one encoded request and capture the answer, decoded by `decode`. A network failure is
 * captured too, as status 0 with `{error}`, so one bad call is a data point (a disagreement),
 * not an exception.
 */
export async function captureCall(
  client: HttpClient,
  baseUrl: string,
  req: EncodedRequest,
  decode?: Decoder,
  timeoutMs = 10_000,
): Promise<CapturedResponse> {
  const started = performance.now();
  try {
    const r = await client.request(req.method, joinUrl(baseUrl, req.path), req.body, timeoutMs);
    const version = r.headers['x-model-version'];
    return withPrediction(
      {
        status: r.status,
        body: parseBody(r.text),
        latencyMs: r.latencyMs,
        version: typeof version === 'string' ? version : undefined,
      },
      decode,
    );
  } catch (err) {
    return { status: 0, body: { error: describeNetworkError(err) }, latencyMs: performance.now() - started };
  }
}
