import type { ChildProcess } from 'node:child_process';
import { spawnCli } from '../../src/testing/cli.js';
import type { Batching } from './in-process.js';
import type { Point } from './point.js';
import { runWrk } from './wrk.js';

/** `greenlight serve` in its own process, ready; `extra` are more flags (e.g. --warmup-request). */
export async function startServer(model: string, batching: Batching, thread: boolean, extra: string[] = []) {
  const child = spawnCli([
    ...['serve', '--model', model, '--version', 'bench', '--port', '0', '--warmup', '10'],
    ...['--inference-thread', thread ? 'on' : 'off', '--max-batch-size', String(batching.maxBatchSize)],
    ...['--max-queue-delay-ms', String(batching.maxQueueDelayMs)],
    ...extra,
  ]);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  for (let i = 0; i < 500; i++) {
    if (
      await fetch(`${url}/ready`).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child: child as ChildProcess, url };
}

/** One wrk run, with the server's CPU time and request count read from its /metrics around it. */
export async function measureServer(
  url: string,
  script: string,
  concurrency: number,
  seconds: number,
  endpoint: 'predict' | 'infer' = 'predict',
): Promise<Point> {
  const before = await serverCounters(url, endpoint);
  const point = await runWrk(url, script, concurrency, seconds);
  const after = await serverCounters(url, endpoint);
  point.cpuUsPerRequest = ((after.cpuSeconds - before.cpuSeconds) * 1e6) / (after.requests - before.requests);
  return point;
}

async function serverCounters(
  url: string,
  endpoint: string,
): Promise<{ cpuSeconds: number; requests: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (re: RegExp) => Number(re.exec(text)?.[1]);
  return {
    cpuSeconds: read(/^process_cpu_seconds_total ([\d.e+-]+)$/m),
    requests: read(
      new RegExp(`^model_server_requests_total\\{version="bench",endpoint="${endpoint}"\\} (\\d+)$`, 'm'),
    ),
  };
}

/** The server / in-process table, one row per concurrency level. */
export function printTable(
  levels: number[],
  served: Map<number, Point>,
  inProcess: Map<number, Point>,
): void {
  const row = (cells: string[]) =>
    console.log(cells.map((c, i) => (i === 0 ? c.padEnd(11) : c.padStart(11))).join(' '));
  console.log('');
  row(['', 'server', '', '', '', 'in-process', '', '', '', 'server /']);
  row([
    'concurrency',
    'req/s',
    'p50 ms',
    'p99 ms',
    'CPU µs/req',
    'req/s',
    'p50 ms',
    'p99 ms',
    'CPU µs/req',
    'in-process',
  ]);
  for (const c of levels) {
    const s = served.get(c)!;
    const p = inProcess.get(c)!;
    row([
      String(c),
      s.rps.toFixed(0),
      s.p50Ms.toFixed(2),
      s.p99Ms.toFixed(2),
      s.cpuUsPerRequest.toFixed(0),
      p.rps.toFixed(0),
      p.p50Ms.toFixed(2),
      p.p99Ms.toFixed(2),
      p.cpuUsPerRequest.toFixed(0),
      `${(s.rps / p.rps).toFixed(2)}×`,
    ]);
    if (s.errors > 0) console.log(`  ${s.errors} non-2xx responses at concurrency ${c}`);
  }
}
