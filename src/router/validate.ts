import type { Color } from '../spec/types.js';
import { RouterError } from './errors.js';
import type { ShadowConfig } from './types.js';

/** Backend URLs must be absolute http:// URLs. */
export function validateUrls(urls: unknown, color: Color): string[] {
  if (!Array.isArray(urls))
    throw new RouterError('GL_ROUTER_BAD_REQUEST', `${color} backends: expected a list of URLs`);
  return urls.map((u, i) => {
    let parsed: URL;
    try {
      parsed = new URL(String(u));
    } catch {
      throw new RouterError(
        'GL_ROUTER_BAD_REQUEST',
        `${color}[${i}]: expected an http:// URL, found ${JSON.stringify(u)}`,
      );
    }
    if (parsed.protocol !== 'http:') {
      throw new RouterError(
        'GL_ROUTER_BAD_REQUEST',
        `${color}[${i}]: expected an http:// URL, found ${JSON.stringify(u)}`,
      );
    }
    return String(u).replace(/\/+$/, '');
  });
}

/** Weights: `null` or `{}` clears; otherwise non-negative numbers for both colors, not both zero. */
export function validateWeights(w: unknown): Record<Color, number> | null {
  if (w === null || w === undefined) return null;
  if (typeof w !== 'object' || Array.isArray(w))
    throw new RouterError('GL_ROUTER_BAD_REQUEST', 'weights: expected an object');
  const o = w as Record<string, unknown>;
  if (Object.keys(o).length === 0) return null;
  const blue = o.blue ?? 0;
  const green = o.green ?? 0;
  for (const [k, v] of [
    ['blue', blue],
    ['green', green],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new RouterError(
        'GL_ROUTER_BAD_REQUEST',
        `weights.${k}: expected a number >= 0, found ${JSON.stringify(v)}`,
      );
    }
  }
  if ((blue as number) + (green as number) <= 0)
    throw new RouterError('GL_ROUTER_BAD_REQUEST', 'weights: both are zero');
  return { blue: blue as number, green: green as number };
}

export function validateShadow(c: unknown): ShadowConfig {
  if (typeof c !== 'object' || c === null)
    throw new RouterError('GL_ROUTER_BAD_REQUEST', 'shadow: expected an object');
  const o = c as Record<string, unknown>;
  if (typeof o.enabled !== 'boolean') {
    throw new RouterError(
      'GL_ROUTER_BAD_REQUEST',
      `shadow.enabled: expected true or false, found ${JSON.stringify(o.enabled)}`,
    );
  }
  const rate = o.sampleRate ?? (o.enabled ? 1 : 0);
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
    throw new RouterError(
      'GL_ROUTER_BAD_REQUEST',
      `shadow.sampleRate: expected a number in [0, 1], found ${JSON.stringify(rate)}`,
    );
  }
  return { enabled: o.enabled, sampleRate: rate };
}

/** A health check path: what goes after the host in a GET line, so "/" first and no spaces. */
export function validateHealthPath(p: unknown): string {
  if (typeof p !== 'string' || !/^\/[\x21-\x7e]*$/.test(p)) {
    throw new RouterError(
      'GL_ROUTER_BAD_REQUEST',
      `healthPath: expected a path starting with "/" (no spaces), found ${JSON.stringify(p)}`,
    );
  }
  return p;
}
