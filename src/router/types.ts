import type { Color } from '../spec/types.js';

export interface SwitchResult {
  active: Color;
  previous: Color;
  /** Increments on every switch or rollback; persisted by the controller. */
  generation: number;
  /** Wall-clock time (ms since epoch) at which the switch took effect. */
  switchedAt: number;
}

export interface ShadowConfig {
  enabled: boolean;
  /** Fraction of user requests copied to the candidate, 0..1. */
  sampleRate: number;
}

export interface RouterState {
  active: Color;
  generation: number;
  switchedAt: number;
  weights: Record<Color, number> | null;
  shadow: ShadowConfig;
  /** The request log (off = null): its file, sample rate, lines written and lines dropped. */
  requestLog?: { path: string; sampleRate: number; written: number; dropped: number } | null;
  colors: Record<
    Color,
    {
      backends: { url: string; healthy: boolean; inFlight: number }[];
      inFlight: number;
      requests: number;
      errors: number;
    }
  >;
}

/** A captured shadow comparison: the user's (primary) response and the candidate's copy. */
export interface ShadowPair {
  seq: number;
  requestId: string;
  time: number;
  method: string;
  path: string;
  /** Request body as text (the model input). */
  requestBody: string;
  primary: { color: Color; status: number; body: string; latencyMs: number; version?: string };
  shadow: { color: Color; status: number; body: string; latencyMs: number; version?: string; error?: string };
}

/**
 * What the control plane needs from the router. Implemented in-process by the router itself and
 * over HTTP by the admin client (the router runs in its own process in `greenlight up`).
 */
export interface RouterControl {
  state(): Promise<RouterState>;
  /** Refuses (throws GL_ROUTER_UNHEALTHY_TARGET) when `to` has no healthy backend. */
  switchTo(to: Color): Promise<SwitchResult>;
  rollback(): Promise<SwitchResult>;
  /**
   * Replace `color`'s backends. `healthPath` is what the active health check GETs on them (the
   * slot's readiness path: a user's server has its own); absent = keep the color's current one.
   */
  setBackends(color: Color, urls: string[], healthPath?: string): Promise<void>;
  setShadow(config: ShadowConfig): Promise<void>;
  setWeights(weights: Record<Color, number> | null): Promise<void>;
  /** Pairs with seq > since, oldest first. */
  shadowPairs(
    since: number,
    limit: number,
  ): Promise<{ pairs: ShadowPair[]; nextSeq: number; dropped: number }>;
  /** Resolves true once `color` has no request in flight, false at the deadline. */
  waitIdle(color: Color, deadlineMs: number): Promise<boolean>;
}
