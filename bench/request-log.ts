/**
 * `npm run bench -- request-log [--rounds 6] [--duration 3] [--connections 32] [--sample 1]`
 *
 * The request log's cost: two `greenlight route` processes on the same nginx upstream, one with
 * `--request-log` (to a file in a temp dir, rotated at 64 MiB) and one without, measured by wrk in
 * alternating rounds (the order flips every round, so drift in the machine's background load hits
 * both alike). Per round: throughput and router CPU per request (utime+stime of the router
 * process over the round, from /proc); the on/off ratios are paired by round and their median is
 * reported. The log's own counters (written, dropped) come from the router's /state at the end.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnCli } from '../src/testing/cli.js';
import { BODY, fmt, freePort, median, nginx, type WrkPoint, waitForPort, wrk } from './router.js';

const TOKEN = 'bench-token';

async function route(
  upstream: number,
  extra: string[],
): Promise<{ child: ChildProcess; port: number; admin: number }> {
  const port = await freePort();
  const admin = await freePort();
  const u = `http://127.0.0.1:${upstream}`;
  const child = spawnCli(
    ['route', '--blue', u, '--green', u, '--port', String(port), '--admin-port', String(admin), ...extra],
    { env: { ...process.env, GREENLIGHT_ADMIN_TOKEN: TOKEN }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  await waitForPort(port);
  await waitForPort(admin);
  return { child, port, admin };
}

export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      rounds: { type: 'string', default: '6' },
      duration: { type: 'string', default: '3' },
      connections: { type: 'string', default: '32' },
      sample: { type: 'string', default: '1' },
    },
  });
  const rounds = Number(values.rounds);
  const seconds = Number(values.duration);
  const connections = Number(values.connections);
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-bench-reqlog-'));
  const children: ChildProcess[] = [];
  try {
    const upstreamPort = await freePort();
    const upstream = nginx(
      dir,
      'upstream',
      `  server { listen 127.0.0.1:${upstreamPort}; keepalive_requests 10000000; keepalive_timeout 300s;\n` +
        `    location / { add_header x-model-version v1; default_type application/json; return 200 '${BODY}'; } }`,
    );
    children.push(upstream);
    await waitForPort(upstreamPort);
    const logFile = join(dir, 'requests.jsonl');
    const off = await route(upstreamPort, []);
    children.push(off.child);
    const on = await route(upstreamPort, ['--request-log', logFile, '--request-log-sample', values.sample]);
    children.push(on.child);
    // warm both (JIT, pooled upstream connections)
    await wrk(off.port, 1, connections);
    await wrk(on.port, 1, connections);
    const pts: Record<'on' | 'off', WrkPoint[]> = { on: [], off: [] };
    const rps: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
      const got: Partial<Record<'on' | 'off', WrkPoint>> = {};
      for (const mode of order) {
        const t = mode === 'on' ? on : off;
        got[mode] = await wrk(t.port, seconds, connections, t.child.pid);
        pts[mode].push(got[mode]!);
      }
      rps.push(got.on!.rps / got.off!.rps);
      cpu.push(got.on!.cpuUsPerRequest / got.off!.cpuUsPerRequest);
    }
    const state = (await (
      await fetch(`http://127.0.0.1:${on.admin}/state`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as { requestLog: { written: number; dropped: number } };
    const medianOf = (ps: WrkPoint[]): WrkPoint => ({
      rps: median(ps.map((p) => p.rps)),
      p50Ms: median(ps.map((p) => p.p50Ms)),
      p99Ms: median(ps.map((p) => p.p99Ms)),
      errors: ps.reduce((a, p) => a + p.errors, 0),
      cpuUsPerRequest: median(ps.map((p) => p.cpuUsPerRequest)),
    });
    console.log(
      `request log: ${rounds} alternating rounds of ${seconds}s, wrk -t1 -c${connections}, sample rate ${values.sample}`,
    );
    console.log(fmt('router, log off', medianOf(pts.off)));
    console.log(fmt('router, log on', medianOf(pts.on)));
    const range = (xs: number[]) =>
      `median ${median(xs).toFixed(3)} (rounds ${Math.min(...xs).toFixed(3)}..${Math.max(...xs).toFixed(3)})`;
    console.log(`on/off throughput ratio  ${range(rps)}`);
    console.log(`on/off CPU/request ratio ${range(cpu)}`);
    const size = statSync(logFile, { throwIfNoEntry: false })?.size ?? 0;
    console.log(
      `log lines written ${state.requestLog.written}, dropped ${state.requestLog.dropped}, file ${(size / 1e6).toFixed(1)} MB`,
    );
    return 0;
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    rmSync(dir, { recursive: true, force: true });
  }
}
