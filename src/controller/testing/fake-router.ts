import { GreenlightError } from '../../errors.js';
import type {
  RouterControl,
  RouterState,
  ShadowConfig,
  ShadowPair,
  SwitchResult,
} from '../../router/types.js';
import type { Color } from '../../spec/types.js';
import { otherColor } from '../../spec/types.js';

/** One routing decision the fake made for a simulated user request. */
export interface RoutingDecision {
  requestId: number;
  /** The color that answered the user. */
  served: Color;
  /** The color that got a shadow copy, if any. */
  shadowedTo: Color | null;
  generation: number;
}

export interface FakeRouter extends RouterControl {
  /** Simulate one user request: returns the color that answers it, recording the decision. */
  route(): RoutingDecision;
  readonly decisions: RoutingDecision[];
  /** Successful switchTo calls (each bumps the generation, as in the real router), and rollbacks. */
  readonly switchCount: number;
  readonly rollbackCount: number;
  readonly backends: Record<Color, string[]>;
  readonly shadowHistory: ShadowConfig[];
  /** Every setWeights call that changed the weights, in order (a repeat of the same weights is not a change). */
  readonly weightHistory: (Record<Color, number> | null)[];
  /** Make the next N calls of `method` throw. */
  failNext(method: keyof RouterControl, times?: number): void;
  /** In-flight requests waitIdle reports per color (set by tests). */
  inFlight: Record<Color, number>;
}

/**
 * RouterControl in memory: obeys switches like the real router (refuses a color without healthy
 * backends), records every routing decision so tests can prove the candidate got no user request
 * before the switch.
 */
export function createFakeRouter(opts: { now?: () => number; active?: Color } = {}): FakeRouter {
  const now = opts.now ?? Date.now;
  let active: Color = opts.active ?? 'blue';
  let previous: Color = otherColor(active);
  let generation = 0;
  let switchedAt = 0;
  let shadow: ShadowConfig = { enabled: false, sampleRate: 0 };
  let weights: Record<Color, number> | null = null;
  let seq = 0;
  const backends: Record<Color, string[]> = { blue: [], green: [] };
  const decisions: RoutingDecision[] = [];
  const pairs: ShadowPair[] = [];
  const shadowHistory: ShadowConfig[] = [];
  const weightHistory: (Record<Color, number> | null)[] = [];
  const failures = new Map<string, number>();
  const counts = { switches: 0, rollbacks: 0 };

  function maybeFail(method: string): void {
    const n = failures.get(method) ?? 0;
    if (n > 0) {
      failures.set(method, n - 1);
      throw new GreenlightError('GL_ROUTER_UNAVAILABLE', `fake router: ${method} failed (injected)`);
    }
  }

  function flip(to: Color): SwitchResult {
    if (backends[to].length === 0) {
      throw new GreenlightError('GL_ROUTER_UNHEALTHY_TARGET', `no healthy backend for ${to}`);
    }
    // Like the real router (traffic-policy.ts): every switch bumps the generation, even to the same color.
    if (to !== active) {
      previous = active;
      active = to;
    }
    generation++;
    switchedAt = now();
    // Like the real router: a switch moves all traffic, ending any weighted split.
    weights = null;
    return { active, previous, generation, switchedAt };
  }

  const router: FakeRouter = {
    inFlight: { blue: 0, green: 0 },
    decisions,
    backends,
    shadowHistory,
    weightHistory,
    get switchCount() {
      return counts.switches;
    },
    get rollbackCount() {
      return counts.rollbacks;
    },
    failNext(method, times = 1) {
      failures.set(method, times);
    },
    route() {
      const idle = otherColor(active);
      // A weighted split sends every request with a share of (weight of blue) / total to blue; the
      // fake takes them in turn (deterministic) instead of at random.
      const total = weights ? weights.blue + weights.green : 0;
      const served: Color = weights && total > 0 ? (seq % total < weights.blue ? 'blue' : 'green') : active;
      const d: RoutingDecision = {
        requestId: ++seq,
        served,
        shadowedTo: shadow.enabled && backends[idle].length > 0 ? idle : null,
        generation,
      };
      decisions.push(d);
      if (d.shadowedTo) {
        const body = JSON.stringify({ label: 'ham', score: 0.9 });
        pairs.push({
          seq: pairs.length + 1,
          requestId: String(d.requestId),
          time: now(),
          method: 'POST',
          path: '/predict',
          requestBody: JSON.stringify({ text: `request ${d.requestId}` }),
          primary: { color: served, status: 200, body, latencyMs: 1 },
          shadow: { color: d.shadowedTo, status: 200, body, latencyMs: 1 },
        });
      }
      return d;
    },
    async state(): Promise<RouterState> {
      maybeFail('state');
      const color = (c: Color) => ({
        backends: backends[c].map((url) => ({ url, healthy: true, inFlight: 0 })),
        inFlight: router.inFlight[c],
        requests: decisions.filter((d) => d.served === c).length,
        errors: 0,
      });
      return {
        active,
        generation,
        switchedAt,
        weights,
        shadow: { ...shadow },
        colors: { blue: color('blue'), green: color('green') },
      };
    },
    async switchTo(to) {
      maybeFail('switchTo');
      const r = flip(to);
      counts.switches++;
      return r;
    },
    async rollback() {
      maybeFail('rollback');
      const r = flip(previous);
      counts.rollbacks++;
      return r;
    },
    async setBackends(color, urls) {
      maybeFail('setBackends');
      if (color === active && urls.length === 0) {
        throw new GreenlightError(
          'GL_ROUTER_UNHEALTHY_TARGET',
          `cannot remove every backend of the active color ${color}`,
        );
      }
      backends[color] = [...urls];
    },
    async setShadow(config) {
      maybeFail('setShadow');
      shadow = { ...config };
      shadowHistory.push({ ...config });
    },
    async setWeights(w) {
      maybeFail('setWeights');
      if (JSON.stringify(w) !== JSON.stringify(weights)) weightHistory.push(w && { ...w });
      weights = w && { ...w };
    },
    async shadowPairs(
      since: number,
      limit: number,
    ): Promise<{ pairs: ShadowPair[]; nextSeq: number; dropped: number }> {
      maybeFail('shadowPairs');
      // Same paging contract as the real router (shadow.ts): nextSeq is the last seq returned,
      // or the newest seq when nothing newer is returned.
      const out = pairs.filter((p) => p.seq > since).slice(0, limit);
      return {
        pairs: out,
        nextSeq: out.length > 0 ? out[out.length - 1].seq : Math.max(since, pairs.length),
        dropped: 0,
      };
    },
    async waitIdle(color) {
      maybeFail('waitIdle');
      return router.inFlight[color] === 0;
    },
  };
  return router;
}
