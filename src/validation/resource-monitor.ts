import type { ResourceUsage } from '../platform/types.js';
import type { Clock } from './clock.js';
import type { PhaseMonitor, Role } from './gates/latency.js';
import { describeNetworkError, type HttpClient, joinUrl } from './http.js';

/** What the resources gate judges, per color, aggregated over the measured phases. */
export interface ResourceReading {
  /** Largest resident set seen (summed over replicas). */
  rssBytes: number;
  /** Average CPU over the phases, percent of one core, summed over replicas. */
  cpuPercent: number;
  /** CPU time per request served, when request counts are known: comparable across throughputs. */
  cpuMsPerRequest: number | null;
  phases: number;
}

/** One measured phase of one color (a round has one per color): what the interval rule pairs. */
export interface PhaseReading {
  rssBytes: number;
  cpuPercent: number;
  cpuMsPerRequest: number | null;
}

export interface ResourceMonitor extends PhaseMonitor {
  readings(): Record<Role, ResourceReading | { error: string }>;
  /** Every measured phase, in order, per color. */
  phases(): Record<Role, PhaseReading[]>;
  /** Where the numbers came from, for the evidence. */
  readonly source: string;
}

/** Sum of every sample of `name` (any labels) in a Prometheus text exposition; undefined if absent. */
export function promValue(text: string, name: string): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const value = Number(
      rest
        .slice(rest[0] === '{' ? rest.indexOf('}') + 1 : 0)
        .trim()
        .split(/\s+/)[0],
    );
    if (Number.isFinite(value)) sum = (sum ?? 0) + value;
  }
  return sum;
}

interface Acc {
  rss: number;
  cpuSeconds: number;
  wallMs: number;
  requests: number;
  phases: number;
  error?: string;
}

function reading(a: Acc): ResourceReading | { error: string } {
  if (a.error) return { error: a.error };
  if (a.phases === 0 || a.wallMs <= 0) return { error: 'no measured phase' };
  return {
    rssBytes: a.rss,
    cpuPercent: (a.cpuSeconds / (a.wallMs / 1000)) * 100,
    cpuMsPerRequest: a.requests > 0 ? (a.cpuSeconds * 1000) / a.requests : null,
    phases: a.phases,
  };
}

const freshAcc = (): Acc => ({ rss: 0, cpuSeconds: 0, wallMs: 0, requests: 0, phases: 0 });

/** Both monitors' bookkeeping: the running totals and the list of phases. */
function createBook() {
  const acc: Record<Role, Acc> = { baseline: freshAcc(), candidate: freshAcc() };
  const list: Record<Role, PhaseReading[]> = { baseline: [], candidate: [] };
  return {
    acc,
    add(role: Role, cpuSeconds: number, wallMs: number, rss: number, requests: number) {
      const a = acc[role];
      a.cpuSeconds += cpuSeconds;
      a.wallMs += wallMs;
      a.rss = Math.max(a.rss, rss);
      a.requests += requests;
      a.phases++;
      list[role].push({
        rssBytes: rss,
        cpuPercent: wallMs > 0 ? (cpuSeconds / (wallMs / 1000)) * 100 : 0,
        cpuMsPerRequest: requests > 0 ? (cpuSeconds * 1000) / requests : null,
      });
    },
    readings: () => ({ baseline: reading(acc.baseline), candidate: reading(acc.candidate) }),
    phases: () => ({ baseline: [...list.baseline], candidate: [...list.candidate] }),
  };
}

/**
 * Read each replica's prom-client default metrics (`process_resident_memory_bytes`,
 * `process_cpu_seconds_total`) from `/metrics` at the start and end of every phase.
 */
export function metricsResourceMonitor(opts: {
  client: HttpClient;
  urls: Record<Role, string[]>;
  clock: Clock;
}): ResourceMonitor {
  const book = createBook();
  const acc = book.acc;
  const open: Partial<Record<Role, { cpu: number; at: number }>> = {};
  const scrape = async (role: Role) => {
    let cpu = 0;
    let rss = 0;
    for (const url of opts.urls[role]) {
      const r = await opts.client.request('GET', joinUrl(url, '/metrics'), undefined, 5000);
      if (r.status !== 200) throw new Error(`GET ${url}/metrics answered ${r.status}`);
      const c = promValue(r.text, 'process_cpu_seconds_total');
      const m = promValue(r.text, 'process_resident_memory_bytes');
      if (c === undefined || m === undefined)
        throw new Error(`${url}/metrics has no process_cpu_seconds_total / process_resident_memory_bytes`);
      cpu += c;
      rss += m;
    }
    return { cpu, rss };
  };
  const fail = (role: Role, err: unknown) => {
    acc[role].error ??= err instanceof Error && !('code' in err) ? err.message : describeNetworkError(err);
  };
  return {
    source: 'metrics',
    async start(role) {
      try {
        const s = await scrape(role);
        open[role] = { cpu: s.cpu, at: opts.clock.now() };
      } catch (err) {
        fail(role, err);
      }
    },
    async stop(role, requests) {
      const o = open[role];
      if (!o) return;
      open[role] = undefined;
      try {
        const s = await scrape(role);
        book.add(role, Math.max(0, s.cpu - o.cpu), opts.clock.now() - o.at, s.rss, requests);
      } catch (err) {
        fail(role, err);
      }
    },
    readings: book.readings,
    phases: book.phases,
  };
}

/**
 * Sample through an injected probe (the local platform reads the operating system): a probe
 * over the phase's length is started with the phase and awaited at its end.
 */
export function probeResourceMonitor(
  probe: (role: Role, sampleMs: number) => Promise<ResourceUsage>,
): ResourceMonitor {
  const book = createBook();
  const open: Partial<Record<Role, { sample: Promise<ResourceUsage>; ms: number }>> = {};
  return {
    source: 'probe',
    async start(role, phaseMs) {
      const sample = probe(role, phaseMs);
      sample.catch(() => undefined);
      open[role] = { sample, ms: phaseMs };
    },
    async stop(role, requests) {
      const o = open[role];
      if (!o) return;
      open[role] = undefined;
      try {
        const u = await o.sample;
        book.add(role, (u.cpuPercent / 100) * (o.ms / 1000), o.ms, u.rssBytes, requests);
      } catch (err) {
        book.acc[role].error ??= (err as Error).message;
      }
    },
    readings: book.readings,
    phases: book.phases,
  };
}
