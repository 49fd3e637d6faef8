import { request } from 'node:http';
import { judgeProbe } from '../../protocols/probe.js';
import type { ProbeSpec } from '../../spec/types.js';

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

/** One look at a server through a probe rule: passed or not, and what it answered, in words. */
export interface ProbeVerdict {
  ok: boolean;
  /** The answer's headers (absent without an answer). */
  headers?: ProbeResult['headers'];
  /** `answered 503 {"status":"loading"}`, `no answer`, `answered 200 {…}; status is "loading" (expected "ok")`. */
  answer: string;
}

/** "GET /ready answers 200 with status = "ok"": the rule in words, for errors that name it. */
export function ruleText(rule: ProbeSpec): string {
  const field =
    rule.jsonField === undefined ? '' : ` with ${rule.jsonField} = ${JSON.stringify(rule.equals)}`;
  return `GET ${rule.path} answers ${rule.status}${field}`;
}

/** Probe `baseUrl` with the slot's rule (path + status, and a JSON field's value when it has one). */
export async function checkProbe(baseUrl: string, rule: ProbeSpec, timeoutMs = 1_000): Promise<ProbeVerdict> {
  const res = await probe(`${baseUrl}${rule.path}`, timeoutMs);
  if (!res) return { ok: false, answer: 'no answer' };
  const excerpt = res.body.replace(/\s+/g, ' ').trim().slice(0, 120);
  const answered = `answered ${res.status}${excerpt ? ` ${excerpt}` : ''}`;
  const { headers } = res;
  const seen = judgeProbe(rule, res.status, res.body);
  if (seen.ok) return { ok: true, headers, answer: answered };
  // A wrong status is already in `answered`; a body that breaks the rule says how.
  return {
    ok: false,
    headers,
    answer: res.status === rule.status ? `${answered}; ${seen.detail}` : answered,
  };
}
