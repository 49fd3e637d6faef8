import { GreenlightError } from '../../errors.js';
import type { Color, ColorSpec } from '../../spec/types.js';
import type { ColorState, Platform, Replica, ResourceUsage } from '../types.js';

type Method = 'deploy' | 'status' | 'teardown' | 'resources';

/** One recorded call, for assertions. */
export interface PlatformCall {
  method: Method;
  deployment: string;
  color: Color;
  version?: string;
}

export interface FakePlatform extends Platform {
  readonly calls: PlatformCall[];
  /** Replica ids running now, e.g. ["spam/blue-0", "spam/blue-1"]: the orphan check. */
  running(): string[];
  /**
   * How many replicas of a color report ready. By default every replica is ready as soon as it is
   * deployed; set a number (or a function of how many times status() was asked) to delay it.
   */
  setReady(deployment: string, color: Color, ready: number | ((statusCalls: number) => number)): void;
  /** Make the next `times` calls of `method` throw GL_PLATFORM_FAILED. */
  failNext(method: Method, times?: number): void;
  setResources(deployment: string, color: Color, usage: ResourceUsage): void;
  /** Kill replicas behind the controller's back; `note` becomes the status' problems (e.g. why they exited). */
  crash(deployment: string, color: Color, note?: string): void;
  /** Make the next deploy of `color` start replicas that exit at once with `note` (a bad model file). */
  failToStart(deployment: string, color: Color, note: string): void;
}

interface Slot {
  deploymentName?: string;
  version?: string;
  replicas: Replica[];
  statusCalls: number;
  ready?: number | ((statusCalls: number) => number);
  resources: ResourceUsage;
  problems?: string[];
  exitOnStart?: string;
}

/**
 * Platform in memory for controller tests: controllable readiness, failures and resource readings.
 * Like the real ones, every method is idempotent: deploying the version a slot already runs keeps it.
 */
export function createFakePlatform(
  opts: {
    /** URL of replica `index` of `color` (default: an unused loopback port); tests point it at real servers. */
    urlFor?: (deployment: string, color: Color, index: number) => string;
  } = {},
): FakePlatform {
  const slots = new Map<string, Slot>();
  const calls: PlatformCall[] = [];
  const failures = new Map<Method, number>();
  let port = 40000;

  const slot = (deployment: string, color: Color): Slot => {
    const key = `${deployment}/${color}`;
    let s = slots.get(key);
    if (!s) {
      s = { replicas: [], statusCalls: 0, resources: { rssBytes: 50e6, cpuPercent: 5 } };
      slots.set(key, s);
    }
    return s;
  };

  function maybeFail(method: Method): void {
    const n = failures.get(method) ?? 0;
    if (n > 0) {
      failures.set(method, n - 1);
      throw new GreenlightError('GL_PLATFORM_FAILED', `fake platform: ${method} failed (injected)`);
    }
  }

  function view(color: Color, s: Slot): ColorState {
    const n = s.replicas.length;
    const ready = s.ready === undefined ? n : typeof s.ready === 'number' ? s.ready : s.ready(s.statusCalls);
    return {
      color,
      ...(s.deploymentName ? { deploymentName: s.deploymentName } : {}),
      ...(s.version ? { modelVersion: s.version } : {}),
      replicas: s.replicas.map((r) => ({ ...r })),
      readyReplicas: Math.min(n, Math.max(0, ready)),
      ...(s.problems ? { problems: [...s.problems] } : {}),
    };
  }

  return {
    kind: 'fake',
    calls,
    running() {
      const ids: string[] = [];
      for (const [key, s] of slots) for (const r of s.replicas) ids.push(`${key.split('/')[0]}/${r.id}`);
      return ids.sort();
    },
    setReady(deployment, color, ready) {
      slot(deployment, color).ready = ready;
    },
    failNext(method, times = 1) {
      failures.set(method, times);
    },
    setResources(deployment, color, usage) {
      slot(deployment, color).resources = usage;
    },
    crash(deployment, color, note) {
      const s = slot(deployment, color);
      if (note) s.problems = s.replicas.map((r) => `${r.id} exited: ${note}`);
      s.replicas = [];
    },
    failToStart(deployment, color, note) {
      slot(deployment, color).exitOnStart = note;
    },
    async deploy(deployment: string, color: Color, spec: ColorSpec) {
      calls.push({ method: 'deploy', deployment, color, version: spec.modelVersion });
      maybeFail('deploy');
      const s = slot(deployment, color);
      if (s.version === spec.modelVersion && s.replicas.length > 0 && s.replicas.length !== spec.replicas) {
        // Scaling the same version, as the real platforms do: keep the first N, start the missing.
        s.replicas = s.replicas.slice(0, spec.replicas);
        const used = new Set(s.replicas.map((r) => r.id));
        for (let i = 0; s.replicas.length < spec.replicas; i++) {
          if (used.has(`${color}-${i}`)) continue;
          s.replicas.push({
            id: `${color}-${i}`,
            url: opts.urlFor ? opts.urlFor(deployment, color, i) : `http://127.0.0.1:${port++}`,
          });
        }
      } else if (s.version !== spec.modelVersion || s.replicas.length !== spec.replicas) {
        s.replicas = Array.from({ length: spec.replicas }, (_, i) => ({
          id: `${color}-${i}`,
          url: opts.urlFor ? opts.urlFor(deployment, color, i) : `http://127.0.0.1:${port++}`,
        }));
        s.version = spec.modelVersion;
        s.deploymentName = spec.deploymentName;
        s.statusCalls = 0;
        delete s.problems;
        if (s.exitOnStart) {
          const note = s.exitOnStart;
          s.problems = s.replicas.map((r) => `${r.id} exited: ${note}`);
          s.replicas = [];
        }
      }
      return view(color, s);
    },
    async status(deployment, color) {
      calls.push({ method: 'status', deployment, color });
      maybeFail('status');
      const s = slot(deployment, color);
      s.statusCalls++;
      return view(color, s);
    },
    async teardown(deployment, color) {
      calls.push({ method: 'teardown', deployment, color });
      maybeFail('teardown');
      const s = slot(deployment, color);
      s.replicas = [];
      delete s.version;
      delete s.deploymentName;
      delete s.problems;
    },
    async resources(deployment, color) {
      calls.push({ method: 'resources', deployment, color });
      maybeFail('resources');
      return { ...slot(deployment, color).resources };
    },
  };
}
