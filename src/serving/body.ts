import type { IncomingMessage } from 'node:http';

/** A parsed JSON body, or why there is none: `status` is the HTTP status to answer with. */
export type BodyResult =
  | { ok: true; value: unknown }
  | { ok: false; status: 400 | 413; error: string }
  | { ok: false; status: 0; error: string };

/**
 * Read a request body of at most `limit` bytes and parse it as JSON, once. Over the limit answers
 * 413 as soon as it is known (from Content-Length, or while streaming a chunked body); the rest of
 * the body is still read and discarded by node:http, so the connection stays usable. `status` 0
 * means the client went away and nothing should be sent.
 */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    return Promise.resolve(tooLarge(limit));
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult): void => {
      if (done) return;
      done = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return; // over the limit: keep draining, stop buffering
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        finish(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
      finish(parse(text));
    });
    req.on('error', (err) => finish({ ok: false, status: 0, error: err.message }));
    req.on('close', () => finish({ ok: false, status: 0, error: 'client closed the connection' }));
  });
}

function tooLarge(limit: number): BodyResult {
  return { ok: false, status: 413, error: `request body is larger than the limit of ${limit} bytes` };
}

function parse(text: string): BodyResult {
  if (text.length === 0) return { ok: false, status: 400, error: 'request body is empty; expected JSON' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, status: 400, error: `request body is not valid JSON: ${(err as Error).message}` };
  }
}
