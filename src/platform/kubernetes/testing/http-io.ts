import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest } from './api-error.js';

/** Read and decode a request body: JSON, or YAML for apply patches and `application/yaml`. */
export async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  const type = req.headers['content-type'] ?? 'application/json';
  if (type.includes('protobuf')) {
    throw new ApiError(415, 'UnsupportedMediaType', `the emulated API server speaks JSON only, not ${type}`);
  }
  try {
    return type.includes('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw badRequest(
      `the body of the request could not be decoded as ${type.includes('yaml') ? 'YAML' : 'JSON'}: ${(err as Error).message}`,
    );
  }
}

/** Answer with a JSON body; `warnings` become RFC 7234-style `Warning: 299 - "…"` headers, as kube-apiserver sends. */
export function sendJson(res: ServerResponse, code: number, body: unknown, warnings: string[] = []): void {
  const data = JSON.stringify(body);
  const headers: Record<string, string | string[]> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(data)),
  };
  if (warnings.length > 0) headers.warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers);
  res.end(data);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  sendJson(res, err.code, err.status());
}
