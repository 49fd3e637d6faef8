import { type Fields, valueAt } from '../http/head.js';
import type { Color } from '../spec/types.js';

export const SESSION_HEADER = 'x-greenlight-session';
export const SESSION_COOKIE = 'greenlight-session';

/**
 * Session → color pins (the seed's session continuity). A pin lasts `ttlMs` from the session's
 * first request — a fixed, not sliding, expiry, so a busy session cannot hold an old color for
 * ever. The table is bounded: when full, the oldest pin is evicted (Map keeps insertion order).
 */
export class StickySessions {
  private readonly pins = new Map<string, { color: Color; expires: number }>();

  constructor(
    readonly ttlMs: number,
    private readonly maxSessions: number,
  ) {}

  get size(): number {
    return this.pins.size;
  }

  lookup(id: string, now: number): Color | undefined {
    const pin = this.pins.get(id);
    if (!pin) return undefined;
    if (pin.expires <= now) {
      this.pins.delete(id);
      return undefined;
    }
    return pin.color;
  }

  pin(id: string, color: Color, now: number): void {
    this.pins.delete(id);
    if (this.pins.size >= this.maxSessions) {
      const oldest = this.pins.keys().next();
      if (!oldest.done) this.pins.delete(oldest.value);
    }
    this.pins.set(id, { color, expires: now + this.ttlMs });
  }

  /** Drop the pins to `color` (it gets no share of traffic any more). */
  dropColor(color: Color): void {
    for (const [id, pin] of this.pins) if (pin.color === color) this.pins.delete(id);
  }

  /** Drop every pin (a rollback: the color being left is presumed bad, continuity yields). */
  clear(): void {
    this.pins.clear();
  }
}

/** The session id of a request: the `x-greenlight-session` header, else the `greenlight-session` cookie. */
export function sessionIdOf(head: Fields): string | undefined {
  let cookie: string | undefined;
  for (let i = 0; i < head.names.length; i++) {
    const name = head.names[i];
    if (name === SESSION_HEADER && valueAt(head, i)) return valueAt(head, i);
    if (name === 'cookie' && cookie === undefined) {
      for (const part of valueAt(head, i).split(';')) {
        const eq = part.indexOf('=');
        if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
          cookie = part.slice(eq + 1).trim();
          break;
        }
      }
    }
  }
  return cookie || undefined;
}
