import type { FetchFn } from '../deps.js';
import type { Step } from './step.js';

// Short, varied inputs: warm-up exercises the model and its batching, not accuracy.
const TEXTS = [
  'Meeting moved to 3pm, see agenda attached.',
  'WIN a FREE cruise!!! Click now to claim your prize',
  'Can you review my pull request before Friday?',
  'Cheap meds online, no prescription needed, order today',
];

const defaultFetch: FetchFn = (url, init) => fetch(url, init);

/**
 * Send spec.warmupRequests predictions to each candidate replica before validation measures it,
 * so the latency gate does not judge cold caches. Failures are counted, not fatal: the health gate
 * judges readiness. Repeating after a crash only sends a few more requests to an idle slot.
 */
export const warmUp: Step = async ({ deps, ctx, spec }) => {
  const http = deps.fetch ?? defaultFetch;
  let sent = 0;
  let failed = 0;
  for (const url of ctx.candidateUrls ?? []) {
    for (let i = 0; i < spec.warmupRequests; i++) {
      sent++;
      try {
        const res = await http(`${url}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: TEXTS[i % TEXTS.length] }),
          signal: AbortSignal.timeout(10_000),
        });
        if (res.status !== 200) failed++;
      } catch {
        failed++;
      }
    }
  }
  return {
    event: ctx.bootstrap ? 'bootstrapWarmedUp' : 'warmedUp',
    context: { warmup: { sent, failed } },
    audit: { warmupSent: sent, warmupFailed: failed },
  };
};
