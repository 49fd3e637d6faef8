/**
 * `npm run bench -- soak [--minutes 10] [--rate 50] [--switch-every 3] [--replicas 1] [--sample-every 5]`
 *
 * A steady `--rate` of user requests (open loop, never retried) through `greenlight route` to
 * `greenlight serve` replicas of spam-v1 (blue) and spam-v2 (green), each a process of its own,
 * with a switch of the active color every `--switch-every` seconds over the admin API. Every
 * `--sample-every` seconds it reads each process's RSS (/proc/PID/status VmRSS) and open file
 * descriptors (/proc/PID/fd). Reported per process: first and last value and the least-squares
 * slope per minute over the run after its first fifth (the warm-up: JIT, pools, buffers filling);
 * and the failed requests. Target (issue 14): 0 failed, RSS and fds flat.
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readSampleTexts, startTraffic } from '../src/control-plane/traffic.js';
import { freePort } from '../src/platform/local/free-port.js';
import { readRssBytes } from '../src/platform/local/proc.js';
import { RouterAdminClient } from '../src/router/admin-client.js';
import { spawnCli } from '../src/testing/cli.js';
import { ensureModels } from '../src/testing/models.js';

interface Proc {
  name: string;
  child: ChildProcess;
}

interface Sample {
  atMin: number;
  rss: number;
  fds: number;
}

/** Spawn a CLI command and resolve once it printed `ready` on stdout. */
function start(name: string, args: string[], ready: RegExp, env: NodeJS.ProcessEnv = {}): Promise<Proc> {
  const child = spawnCli(args, { env: { ...process.env, ...env } });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (ready.test(out)) resolve({ name, child });
    });
    child.stderr!.on('data', (d) => {
      out += d;
    });
    child.once('exit', (code) => reject(new Error(`${name} exited ${code}: ${out.slice(-1000)}`)));
  });
}

function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/** Least-squares slope of y over x. */
export function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

/** Slope per minute of `y` over the samples from `fromMin` on, signed, 3 decimals. */
function slopeFrom(samples: Sample[], fromMin: number, y: (s: Sample) => number): string {
  const v = slope(samples.filter((s) => s.atMin >= fromMin).map((s) => ({ x: s.atMin, y: y(s) })));
  return `${v >= 0 ? '+' : ''}${v.toFixed(3)}`;
}

function report(name: string, samples: Sample[]): string {
  const end = samples[samples.length - 1].atMin;
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
  const rss = (s: Sample) => s.rss / 1024 / 1024;
  const [first, last] = [samples[0], samples[samples.length - 1]];
  const maxRss = Math.max(...samples.map((s) => s.rss));
  // a leak keeps its slope in the second half; a heap that is still finding its size flattens
  return `${name.padEnd(8)} RSS ${mb(first.rss)} → ${mb(last.rss)} MB (max ${mb(maxRss)}), slope ${slopeFrom(samples, end / 5, rss)} MB/min (second half ${slopeFrom(samples, end / 2, rss)}) | fds ${first.fds} → ${last.fds}, slope ${slopeFrom(samples, end / 5, (s) => s.fds)}/min (second half ${slopeFrom(samples, end / 2, (s) => s.fds)})`;
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string', default: '10' },
      rate: { type: 'string', default: '50' },
      'switch-every': { type: 'string', default: '3' },
      replicas: { type: 'string', default: '1' },
      'sample-every': { type: 'string', default: '5' },
    },
  });
  const minutes = Number(values.minutes);
  const rate = Number(values.rate);
  const switchMs = Number(values['switch-every']) * 1000;
  const replicas = Number(values.replicas);
  const sampleMs = Number(values['sample-every']) * 1000;
  if (![minutes, rate, switchMs, replicas, sampleMs].every((n) => Number.isFinite(n) && n > 0)) {
    console.error(
      'usage: npm run bench -- soak [--minutes N] [--rate R] [--switch-every S] [--replicas N] [--sample-every S]',
    );
    return 2;
  }
  const models = await ensureModels();
  const procs: Proc[] = [];
  try {
    const urls: Record<'blue' | 'green', string[]> = { blue: [], green: [] };
    for (const [color, version, file] of [
      ['blue', 'v1', 'spam-v1.onnx'],
      ['green', 'v2', 'spam-v2.onnx'],
    ] as const) {
      for (let i = 0; i < replicas; i++) {
        const port = await freePort();
        const args = ['serve', '--model', join(models, file), '--version', version, '--port', String(port)];
        procs.push(await start(`${color}-${i}`, args, /listening on/));
        urls[color].push(`http://127.0.0.1:${port}`);
      }
    }
    const [port, adminPort] = [await freePort(), await freePort()];
    const routeArgs = ['route', '--blue', urls.blue.join(','), '--green', urls.green.join(',')];
    routeArgs.push('--port', String(port), '--admin-port', String(adminPort));
    procs.unshift(await start('router', routeArgs, /admin on/, { GREENLIGHT_ADMIN_TOKEN: 'soak' }));
    const admin = new RouterAdminClient(`http://127.0.0.1:${adminPort}`, 'soak');

    console.log(
      `soak: ${minutes} min, ${rate} req/s, a switch every ${switchMs / 1000} s, ${replicas} replica(s) per color; processes: ${procs.map((p) => `${p.name} ${p.child.pid}`).join(', ')}`,
    );
    const traffic = startTraffic({
      url: `http://127.0.0.1:${port}`,
      texts: readSampleTexts(join(models, 'samples.jsonl')),
      ratePerSecond: rate,
      maxInFlight: 64,
      timeoutMs: 10_000,
    });
    const samples = new Map<string, Sample[]>(procs.map((p) => [p.name, []]));
    const t0 = performance.now();
    const sample = () => {
      const atMin = (performance.now() - t0) / 60_000;
      for (const p of procs) {
        const pid = p.child.pid!;
        samples.get(p.name)!.push({ atMin, rss: readRssBytes(pid), fds: openFds(pid) });
      }
    };
    sample();
    let switches = 0;
    let switchErrors = 0;
    let to: 'blue' | 'green' = 'green';
    const switcher = setInterval(() => {
      const next = to;
      to = to === 'green' ? 'blue' : 'green';
      admin.switchTo(next).then(
        () => switches++,
        () => switchErrors++,
      );
    }, switchMs);
    const sampler = setInterval(sample, sampleMs);
    const progress = setInterval(() => {
      const s = traffic.stats();
      console.log(
        `  ${((performance.now() - t0) / 60_000).toFixed(1)} min: ${s.sent} sent, ${s.failed} failed, ${switches} switches`,
      );
    }, 60_000);
    await new Promise((r) => setTimeout(r, minutes * 60_000));
    clearInterval(switcher);
    clearInterval(sampler);
    clearInterval(progress);
    sample();
    const stats = await traffic.stop();
    await admin.close();
    console.log(
      `\nrequests: ${stats.sent} sent, ${stats.ok} ok, ${stats.failed} failed${stats.failed ? ` (${JSON.stringify(stats.byFailure)})` : ''}; by color ${JSON.stringify(stats.byColor)}; switches ${switches} (${switchErrors} refused or failed)`,
    );
    if (stats.failed) console.log(`last failures: ${stats.failures.join(' | ')}`);
    for (const p of procs) console.log(report(p.name, samples.get(p.name)!));
    return stats.failed === 0 ? 0 : 1;
  } finally {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGTERM');
    await Promise.all(
      procs.map((p) =>
        p.child.exitCode === null ? new Promise((r) => p.child.once('exit', r)) : Promise.resolve(),
      ),
    );
  }
}
