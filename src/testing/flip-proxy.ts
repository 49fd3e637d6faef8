import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

const FLIP: Record<string, string> = { spam: 'ham', ham: 'spam' };

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A candidate that is a real model except on some inputs: a reverse proxy in front of a real
 * model server that flips the label (keeping the score, so the answer is confidently wrong) of
 * every POST /predict whose text is in `flipped`. Everything else — health, readiness, metrics,
 * OIP — is the real server's answer. It builds "a model that regressed on one slice" from the
 * example models without training one.
 */
export async function startFlipProxy(
  target: string,
  flipped: ReadonlySet<string>,
  version = 'flipped',
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    try {
      const raw = await body(req);
      const upstream = await fetch(new URL(req.url ?? '/', target), {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : raw,
      });
      let text = await upstream.text();
      if (req.method === 'POST' && req.url === '/predict' && upstream.ok) {
        const input = JSON.parse(raw.toString('utf8')) as { text?: string };
        const answer = JSON.parse(text) as { label: string; model_version?: string };
        if (input.text !== undefined && flipped.has(input.text))
          answer.label = FLIP[answer.label] ?? answer.label;
        answer.model_version = version;
        text = JSON.stringify(answer);
      }
      res.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'application/json',
        'x-model-version': version,
      });
      res.end(text);
    } catch (err) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: (err as Error).message }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
