import { protocolFor } from '../../protocols/registry.js';
import { serverOf } from '../../spec/server.js';
import type { DeploymentSpec } from '../../spec/types.js';
import { joinUrl } from '../../validation/http.js';
import { inputOf, readSamples } from '../../validation/pairs/samples-file.js';
import type { FetchFn } from '../deps.js';
import type { Step } from './step.js';

// Short, varied inputs for greenlight's text models: warm-up exercises the model and its
// batching, not accuracy.
const TEXTS = [
  'Meeting moved to 3pm, see agenda attached.',
  'WIN a FREE cruise!!! Click now to claim your prize',
  'Can you review my pull request before Friday?',
  'Cheap meds online, no prescription needed, order today',
];

const defaultFetch: FetchFn = (url, init) => fetch(url, init);

/**
 * What to send: greenlight's protocol takes the texts above; any other server only knows its own
 * inputs, so the first rows of the spec's samples file are sent (encoded by its protocol), and
 * without one nothing is (the reason is recorded).
 */
async function warmUpInputs(spec: DeploymentSpec, protocol: string): Promise<unknown[] | string> {
  if (protocol === 'greenlight') return TEXTS;
  if (spec.validation.samples === undefined) return `no samples file to take ${protocol} inputs from`;
  try {
    return (await readSamples(spec.validation.samples)).slice(0, 16).map(inputOf);
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Send spec.warmupRequests predictions to each candidate replica before validation measures it,
 * so the latency gate does not judge cold caches; requests speak the candidate slot's protocol.
 * Failures are counted, not fatal: the health gate judges readiness. Repeating after a crash
 * only sends a few more requests to an idle slot.
 */
export const warmUp: Step = async ({ deps, ctx, spec, rollout }) => {
  const http = deps.fetch ?? defaultFetch;
  const protocol = protocolFor(serverOf(spec[rollout.candidate]));
  const inputs = spec.warmupRequests > 0 ? await warmUpInputs(spec, protocol.name) : [];
  const requests =
    typeof inputs === 'string'
      ? []
      : inputs.flatMap((i) => {
          try {
            return [protocol.encode(i)];
          } catch {
            return []; // runValidation names unencodable rows; warm-up just skips them
          }
        });
  let sent = 0;
  let failed = 0;
  for (const url of requests.length > 0 ? (ctx.candidateUrls ?? []) : []) {
    for (let i = 0; i < spec.warmupRequests; i++) {
      const req = requests[i % requests.length];
      sent++;
      try {
        const res = await http(joinUrl(url, req.path), {
          method: req.method,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(req.body),
          signal: AbortSignal.timeout(10_000),
        });
        if (res.status < 200 || res.status >= 300) failed++;
      } catch {
        failed++;
      }
    }
  }
  const skipped = typeof inputs === 'string' ? { skipped: inputs } : {};
  return {
    event: ctx.bootstrap ? 'bootstrapWarmedUp' : 'warmedUp',
    context: { warmup: { sent, failed } },
    audit: { warmupSent: sent, warmupFailed: failed, ...skipped },
  };
};
