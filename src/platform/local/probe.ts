import { request } from 'node:http';

export interface ProbeResult {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * GET `url` with a short timeout; undefined when nothing answered. Uses a fresh connection every
 * time (agent: false) so a probe never holds a keep-alive socket that would delay a drain.
 */
export function probe(url: string, timeoutMs = 1_000): Promise<ProbeResult | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        if (body.length < 65_536) body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
