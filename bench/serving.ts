/**
 * `npm run bench -- serving [--model FILE.onnx] [--duration S] [--concurrency 1,8,64]
 *                           [--max-batch-size N] [--max-queue-delay-ms N] [--inference-thread on|off]`
 *
 * Throughput and P50/P99 latency of `POST /predict` on `greenlight serve` (its own process, loaded
 * by wrk over loopback) against the ceiling: the same model and the same dynamic batcher called by
 * N concurrent async callers in this process, no HTTP. Target: server ≥ 0.8× the ceiling at
 * concurrency 64. Texts are the held-out e-mails of samples.jsonl, so featurization cost is real.
 * Also printed: CPU time per request of each side, and the HTTP floor (no model at all) of the
 * server's own HTTP layer and of node:http.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadOnnxModel } from '../src/serving/onnx-model.js';
import { loadOnnxModelInWorker } from '../src/serving/worker-model.js';
import { spawnCli } from '../src/testing/cli.js';
import { ensureModels } from '../src/testing/models.js';
import { measureHttpFloor } from './serving/http-floor.js';
import { type Batching, runInProcess } from './serving/in-process.js';
import type { Point } from './serving/point.js';
import { runWrk, writeWrkScript } from './serving/wrk.js';

export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: 'string' },
      duration: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '1,8,64' },
      'max-batch-size': { type: 'string', default: '64' },
      'max-queue-delay-ms': { type: 'string', default: '0' },
      'inference-thread': { type: 'string', default: 'on' },
    },
  });
  const dir = values.model ? undefined : await ensureModels();
  const modelPath = values.model ?? join(dir!, 'spam-v1.onnx');
  const texts = loadTexts(values.model ? undefined : join(dir!, 'samples.jsonl'));
  const seconds = Number(values.duration);
  const levels = values.concurrency.split(',').map(Number);
  const top = levels[levels.length - 1];
  const thread = values['inference-thread'] !== 'off';
  const batching: Batching = {
    maxBatchSize: Number(values['max-batch-size']),
    maxQueueDelayMs: Number(values['max-queue-delay-ms']),
  };
  console.log(
    `model ${modelPath}; ${texts.length} texts (median ${median(texts.map((t) => t.length))} chars)`,
  );
  console.log(
    `batching: max batch ${batching.maxBatchSize}, max queue delay ${batching.maxQueueDelayMs} ms; ` +
      `inference thread ${thread ? 'on' : 'off'}; ${seconds} s per point`,
  );

  // Each level measures the ceiling and then the server back to back, so that both halves of a
  // ratio see the same machine: on a shared host the load of a minute ago is not the load now.
  const inProcess = new Map<number, Point>();
  const served = new Map<number, Point>();
  const script = writeWrkScript(texts);
  const model = await (thread ? loadOnnxModelInWorker : loadOnnxModel)(modelPath);
  const server = await startServer(modelPath, batching, thread);
  let floor: Point;
  let nodeFloor: Point;
  try {
    await runInProcess(model.predict, texts, top, 1, batching); // warm-up
    await runWrk(server.url, script, top, 1); // warm-up
    for (const c of levels) {
      inProcess.set(c, await runInProcess(model.predict, texts, c, seconds, batching));
      served.set(c, await measureServer(server.url, script, c, seconds));
    }
  } finally {
    server.child.kill('SIGTERM');
    await model.release();
  }
  try {
    floor = await measureHttpFloor(script, top, seconds, true);
    nodeFloor = await measureHttpFloor(script, top, seconds, false);
  } finally {
    rmSync(script, { force: true });
  }
  printTable(levels, served, inProcess);
  const ratio = served.get(top)!.rps / inProcess.get(top)!.rps;
  const verdict = ratio >= 0.8 ? 'met' : 'NOT met';
  console.log(
    `\nserver/in-process throughput at concurrency ${top}: ${ratio.toFixed(2)}× (target ≥ 0.80×: ${verdict})`,
  );
  const floorLine = (what: string, p: Point) =>
    `${what} (no model, concurrency ${top}): ${p.rps.toFixed(0)} r/s, ${p.cpuUsPerRequest.toFixed(0)} µs CPU per request`;
  console.log(`${floorLine("HTTP floor, the server's own HTTP layer", floor)}`);
  console.log(`${floorLine('HTTP floor, node:http', nodeFloor)}`);
  console.log(`the model alone: ${inProcess.get(top)!.cpuUsPerRequest.toFixed(0)} µs CPU per text`);
  console.log('Figures from a shared machine are noisy: compare within one run.');
  return 0;
}

function loadTexts(samples: string | undefined): string[] {
  if (!samples) return ['Hello, the report is attached.', 'WIN a FREE cruise!!! Click now $$$'];
  return readFileSync(samples, 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(0, 500)
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

async function startServer(model: string, batching: Batching, thread: boolean) {
  const child = spawnCli([
    ...['serve', '--model', model, '--version', 'bench', '--port', '0', '--warmup', '10'],
    ...['--inference-thread', thread ? 'on' : 'off', '--max-batch-size', String(batching.maxBatchSize)],
    ...['--max-queue-delay-ms', String(batching.maxQueueDelayMs)],
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
async function measureServer(
  url: string,
  script: string,
  concurrency: number,
  seconds: number,
): Promise<Point> {
  const before = await serverCounters(url);
  const point = await runWrk(url, script, concurrency, seconds);
  const after = await serverCounters(url);
  point.cpuUsPerRequest = ((after.cpuSeconds - before.cpuSeconds) * 1e6) / (after.requests - before.requests);
  return point;
}

async function serverCounters(url: string): Promise<{ cpuSeconds: number; requests: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (re: RegExp) => Number(re.exec(text)?.[1]);
  return {
    cpuSeconds: read(/^process_cpu_seconds_total ([\d.e+-]+)$/m),
    requests: read(/^model_server_requests_total\{version="bench",endpoint="predict"\} (\d+)$/m),
  };
}

function printTable(levels: number[], served: Map<number, Point>, inProcess: Map<number, Point>): void {
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

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}
