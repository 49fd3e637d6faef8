import type { ValidationSpec } from '../spec/types.js';
import { type SampleSizePlan, sampleSizePlan } from './stats/sample-size.js';

/** The agreement gate's sample-size plan at a validation spec's settings. */
export function planFor(
  spec: Pick<ValidationSpec, 'agreementThreshold' | 'sprt' | 'shadowTrafficSampleSize'>,
) {
  return sampleSizePlan({
    threshold: spec.agreementThreshold,
    indifference: spec.sprt.indifference,
    alpha: spec.sprt.alpha,
    beta: spec.sprt.beta,
    cap: spec.shadowTrafficSampleSize,
  });
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6);

/**
 * The plan as text: the fixed-n size, then per true agreement what the sequential test needs
 * (mean and 95th percentile of pairs, uncapped) and what the gate does at the cap.
 */
export function formatPlan(plan: SampleSizePlan): string[] {
  const lines = [
    `sample sizes: a fixed-n test needs ${plan.fixedN} pairs; the sequential test needs, per true agreement:`,
    `  agreement | mean pairs | 95% within | at cap ${plan.cap}: passed  failed  inconclusive`,
  ];
  for (const p of plan.points) {
    lines.push(
      `  ${p.uncapped.trueAgreement.toFixed(3).padStart(9)} | ${p.uncapped.meanPairs.toFixed(0).padStart(10)} | ${String(p.uncapped.p95Pairs).padStart(10)} |  ${' '.repeat(String(plan.cap).length)} ${pct(p.atCap.passed)}  ${pct(p.atCap.failed)}  ${pct(p.atCap.inconclusive)}`,
    );
  }
  if (plan.warning) lines.push(`warning: ${plan.warning}`);
  return lines;
}

/**
 * Slices too small for the cap: at its share of the samples, a slice reaches minSliceSamples
 * pairs only after minSliceSamples / share pairs in all.
 */
export function sliceWarnings(
  spec: Pick<ValidationSpec, 'minSliceSamples' | 'shadowTrafficSampleSize' | 'exemptSlices'>,
  counts: ReadonlyMap<string, number>,
  total: number,
): string[] {
  const out: string[] = [];
  for (const [slice, n] of counts) {
    if (spec.exemptSlices?.includes(slice)) continue;
    const needed = Math.ceil(spec.minSliceSamples / (n / total));
    if (n < spec.minSliceSamples)
      out.push(
        `slice "${slice}" has only ${n} samples, fewer than minSliceSamples ${spec.minSliceSamples}: the agreement gate cannot pass (add samples, or list it in exemptSlices)`,
      );
    else if (needed > spec.shadowTrafficSampleSize)
      out.push(
        `slice "${slice}" is ${((n / total) * 100).toFixed(1)}% of the samples: it reaches minSliceSamples ${spec.minSliceSamples} only after about ${needed} pairs, above shadowTrafficSampleSize ${spec.shadowTrafficSampleSize} (use ${needed}, or list it in exemptSlices)`,
      );
  }
  return out;
}
