/** A parsed JSON body, or why there is none: `status` is the HTTP status to answer with. */
export type BodyResult = { ok: true; value: unknown } | { ok: false; status: 400 | 413; error: string };

/**
 * Parse a request body as JSON, once. `body` is undefined when the HTTP layer found it larger than
 * `limit` (from Content-Length, or while reading a chunked body) and discarded it: 413.
 */
export function parseJsonBody(body: Buffer | undefined, limit: number): BodyResult {
  if (body === undefined) {
    return { ok: false, status: 413, error: `request body is larger than the limit of ${limit} bytes` };
  }
  if (body.length === 0) return { ok: false, status: 400, error: 'request body is empty; expected JSON' };
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch (err) {
    return { ok: false, status: 400, error: `request body is not valid JSON: ${(err as Error).message}` };
  }
}
