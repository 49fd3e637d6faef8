import { existsSync, readFileSync, statSync } from 'node:fs';
import type { RequestLogLine } from '../router/request-log.js';
import type { Color } from '../spec/types.js';

/** One request log line: the type the router writes (src/router/request-log.ts). */
export type RequestLine = RequestLogLine;

export interface RequestFilter {
  /** Epoch ms: lines that arrived at or after it. */
  since?: number;
  version?: string;
  color?: Color;
  /** The newest `limit` matching lines (default all). */
  limit?: number;
}

/** The log and its rotated files, oldest first: `path.N` … `path.1`, `path`. */
export function logFiles(path: string): string[] {
  const rotated: string[] = [];
  for (let i = 1; existsSync(`${path}.${i}`); i++) rotated.unshift(`${path}.${i}`);
  return existsSync(path) ? [...rotated, path] : rotated;
}

/**
 * Matching lines across the log and its rotated files, oldest first. A file last written before
 * `since` is skipped unread; a line that is not JSON (a write cut short by a full disk) is skipped.
 */
export function readRequests(path: string, filter: RequestFilter = {}): RequestLine[] {
  const out: RequestLine[] = [];
  for (const file of logFiles(path)) {
    if (filter.since !== undefined && statSync(file).mtimeMs < filter.since) continue;
    for (const text of readFileSync(file, 'utf8').split('\n')) {
      if (text === '') continue;
      let line: RequestLine;
      try {
        line = JSON.parse(text) as RequestLine;
      } catch {
        continue;
      }
      if (matches(line, filter)) out.push(line);
    }
  }
  return filter.limit !== undefined && out.length > filter.limit ? out.slice(out.length - filter.limit) : out;
}

function matches(line: RequestLine, f: RequestFilter): boolean {
  if (f.since !== undefined && Date.parse(line.start) < f.since) return false;
  if (f.version !== undefined && line.version !== f.version) return false;
  return f.color === undefined || line.color === f.color;
}

/** One request as a line of text: arrival, color, version, generation, status, latency. */
export function formatRequest(l: RequestLine): string {
  const shadow = l.shadowed ? ' shadowed' : '';
  return `${l.start}  ${l.color.padEnd(5)}  ${(l.version ?? '-').padEnd(8)}  gen ${l.generation}  ${l.status}  ${l.latencyMs.toFixed(1)} ms  ${l.id}${shadow}`;
}
