import { GreenlightError } from '../../errors.js';
import type { Feeds } from './feeds.js';
import type { TensorServing } from './infer.js';
import type { TensorRequest } from './infer-request.js';
import { isFixed, type ModelSignature } from './signature.js';

/**
 * A request made up from the signature alone: every dynamic size 1, zeros, `false`s and empty
 * strings. Nothing guarantees a model accepts it (a model may need 512 audio samples or a valid
 * sample rate), which is why `warmUpTensor` only notes its failure; `--warmup-request` gives one
 * that must work.
 */
export function synthesizedRequest(sig: ModelSignature): TensorRequest {
  const feeds: Feeds = {};
  for (const spec of sig.inputs) {
    const dims = (spec.shape ?? [1]).map((d) => (isFixed(d) ? d : 1));
    const n = dims.reduce((a, b) => a * b, 1);
    const data = spec.datatype.alloc(n);
    if (Array.isArray(data)) data.fill('');
    feeds[spec.name] = { type: spec.datatype.ort, data, dims };
  }
  return { id: undefined, feeds, outputs: sig.outputs, rows: 1, key: sig.batchable ? 'warmup' : '' };
}

/**
 * Warm a generic model up before it reports ready, as `warmUp` does for text models: `count` runs,
 * alternately one request and (for a batchable model) a batch of up to 16, through the batcher
 * that serves traffic. Every answer is checked against the declared output shapes. A failure of
 * the caller's `given` request fails warm-up (GL_WARMUP_FAILED); a failure of the synthesized one
 * is logged, and the server becomes ready without warm-up.
 */
export async function warmUpTensor(
  serving: TensorServing,
  count: number,
  maxBatchSize: number,
  given: TensorRequest | undefined,
  log: (line: string) => void,
): Promise<void> {
  const sig = serving.model.signature;
  const request = given ?? synthesizedRequest(sig);
  const batch = sig.batchable ? Math.min(maxBatchSize, 16) : 1;
  for (let k = 0; k < count; k++) {
    const requests = Array.from({ length: k % 2 === 1 ? batch : 1 }, () => request);
    const results = await serving.batcher.submit(requests);
    const problem = results
      .map((r) => (r instanceof Error ? r.message.split('\n')[0] : badShape(r, sig)))
      .find(Boolean);
    if (problem === undefined) continue;
    if (given) throw new GreenlightError('GL_WARMUP_FAILED', `warm-up inference ${k + 1} failed: ${problem}`);
    const shapes = Object.entries(request.feeds).map(([n, f]) => `${n} [${f.dims.join(', ')}]`);
    log(
      `warm-up skipped: the model refused a request made up from its metadata (${shapes.join(', ')}): ${problem}; ` +
        'give one it accepts with --warmup-request FILE.json',
    );
    return;
  }
}

function badShape(out: Feeds, sig: ModelSignature): string | undefined {
  for (const spec of sig.outputs) {
    const got = out[spec.name]?.dims;
    if (got === undefined) return `output ${spec.name} is missing`;
    const want = spec.shape;
    if (want === undefined) continue;
    if (got.length !== want.length || want.some((d, j) => isFixed(d) && got[j] !== d)) {
      return `output ${spec.name} has shape [${got.join(', ')}], the model declares [${want.join(', ')}]`;
    }
  }
  return undefined;
}
