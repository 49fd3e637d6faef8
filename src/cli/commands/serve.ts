import { readFileSync } from 'node:fs';
import { UsageError } from '../../errors.js';
import { intFlag, parseArgs } from '../args.js';
import { listenError } from '../error-line.js';

export const summary = 'serve an ONNX model over HTTP (predict, OIP v2, metrics)';
export const usage = `greenlight serve --model FILE.onnx --version V [options]

  --model FILE             ONNX model file, required: a greenlight text model (/predict and OIP v2)
                           or any other ONNX model (OIP v2 tensors as the model declares them)
  --version V              model version served (x-model-version, metrics label), required
  --name N                 OIP model name, /v2/models/N (default: model)
  --host H                 address to listen on (default: 127.0.0.1)
  --port P                 port, 0 picks a free one (default: 8000)
  --warmup N               warm-up inferences before /ready answers 200 (default: 3)
  --warmup-request FILE    generic models: an OIP v2 infer request (JSON) to warm up with; it must
                           succeed (default: one made up from the model's metadata, skipped if refused)
  --max-batch-size N       dynamic batching: most texts (generic models: requests) per ONNX Runtime
                           call (default: 64); generic models batch only where that is exact
  --max-queue-delay-ms N   dynamic batching: longest wait for a batch to fill (default: 0)
  --body-limit BYTES       largest request body; larger gets 413 (default: 1048576)
  --drain-delay-ms N       on SIGTERM, stay reachable but not ready this long first (default: 0)
  --threads N              ONNX Runtime intra-op threads (default: 1)
  --inference-thread on|off  featurize and run the model in a worker thread beside HTTP (default: on)

Prints "listening on http://HOST:PORT (model NAME version V)" when it accepts connections.
SIGTERM or SIGINT: stop being ready, finish in-flight requests, exit 0.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs(
    argv,
    {
      model: { type: 'string' },
      version: { type: 'string' },
      name: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      warmup: { type: 'string' },
      'warmup-request': { type: 'string' },
      'max-batch-size': { type: 'string' },
      'max-queue-delay-ms': { type: 'string' },
      'body-limit': { type: 'string' },
      'drain-delay-ms': { type: 'string' },
      threads: { type: 'string' },
      'inference-thread': { type: 'string' },
    },
    false,
  );
  if (!values.model) throw new UsageError('--model FILE.onnx is required');
  if (!values.version) throw new UsageError('--version is required');
  const name = values.name ?? 'model';
  // Lazy: `greenlight help` must not load ONNX Runtime (STYLE.md §9).
  const { startModelServer } = await import('../../serving/server.js');
  const port = intFlag('port', values.port, 8000);
  const server = await startModelServer({
    modelPath: values.model,
    version: values.version,
    name,
    host: values.host ?? '127.0.0.1',
    port,
    warmup: intFlag('warmup', values.warmup, 3, 0, 10_000),
    warmupRequest: readWarmupRequest(values['warmup-request']),
    maxBatchSize: intFlag('max-batch-size', values['max-batch-size'], 64, 1, 4096),
    maxQueueDelayMs: intFlag('max-queue-delay-ms', values['max-queue-delay-ms'], 0, 0, 10_000),
    bodyLimit: intFlag('body-limit', values['body-limit'], 1024 * 1024, 1, 1024 ** 3),
    drainDelayMs: intFlag('drain-delay-ms', values['drain-delay-ms'], 0, 0, 600_000),
    intraOpThreads: intFlag('threads', values.threads, 1, 1, 256),
    inferenceThread: onOff('inference-thread', values['inference-thread'], true),
    serverVersion: packageVersion(),
  }).catch((err: unknown) => {
    throw listenError(err, { [port]: 'port' });
  });
  console.log(`listening on ${server.url} (model ${name} version ${values.version})`);
  // Listeners stay installed: a second signal during the drain must not kill in-flight requests.
  const stop = new Promise<string>((resolve) => {
    process.on('SIGTERM', () => resolve('SIGTERM'));
    process.on('SIGINT', () => resolve('SIGINT'));
  });
  const outcome = await Promise.race([stop, server.failed]);
  if (outcome instanceof Error) {
    console.error(`greenlight serve: ${outcome.message}`);
    await server.close();
    return 1;
  }
  await server.close();
  return 0;
}

function onOff(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === 'on' || value === 'off') return value === 'on';
  throw new UsageError(`--${name} expects on or off, got ${JSON.stringify(value)}`);
}

/** The --warmup-request file as JSON; the server checks it against the model's inputs. */
function readWarmupRequest(file: string | undefined): unknown {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `--warmup-request ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--warmup-request ${file} is not JSON: ${(err as Error).message}`);
  }
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8'));
    return String(pkg.version);
  } catch {
    return 'dev';
  }
}
