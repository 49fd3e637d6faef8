import { benjaminiHochberg } from '../stats/benjamini-hochberg.js';
import { normalQuantile } from '../stats/normal.js';
import { anytimePValue, lnSliceEValue } from '../stats/slice-evidence.js';
import { wilsonInterval } from '../stats/wilson.js';
import { round } from './result.js';

export interface SliceTally {
  n: number;
  agreed: number;
}

export interface SliceRules {
  threshold: number;
  /** Pairs a slice needs before the gate may pass (minSliceSamples). */
  minSamples: number;
  /** Level of the Benjamini–Hochberg procedure across slices (the SPRT's α). */
  alpha: number;
  /** Slices the spec lets pass with fewer than minSamples pairs (still failed when significantly bad). */
  exempt?: ReadonlySet<string>;
}

/**
 * - `failed`: significantly below the threshold (BH-adjusted anytime p < α);
 * - `enough`: has its minimum sample and is not significantly below;
 * - `suspect`: not significant after looking at every pair, but a single fixed-n look would call
 *   it below the threshold (its one-sided upper bound < t): the gate may not pass on it;
 * - `short`: fewer pairs than the minimum, so the gate may not pass yet;
 * - `exempt`: short, but the spec lets it pass so.
 */
export type SliceStatus = 'failed' | 'suspect' | 'enough' | 'short' | 'exempt';

export interface SliceVerdict {
  slice: string;
  n: number;
  agreed: number;
  agreement: number | null;
  /** One-sided (1 − α) Wilson bounds on the slice's agreement. */
  lower: number;
  upper: number;
  /** Anytime-valid p-value of "this slice agrees at least the threshold" (1 / its e-value). */
  pValue: number;
  /** Benjamini–Hochberg adjusted across every slice (e-BH: valid at any stopping time). */
  adjustedP: number;
  status: SliceStatus;
  /** More pairs it needs to reach minSliceSamples (0 when it has them). */
  needs: number;
  failed: boolean;
}

/**
 * Judge every slice (declared ones with no pairs yet included). Each slice's evidence against
 * "agrees >= threshold" is its e-value (stats/slice-evidence.ts), valid after any number of
 * looks; Benjamini–Hochberg on p = 1/e across the slices is the e-BH procedure (Wang & Ramdas
 * 2022), which keeps the false-discovery rate at α even though the gate stops when it likes and
 * the slices share one stopping time. Worst first.
 */
export function judgeSlices(slices: ReadonlyMap<string, SliceTally>, rules: SliceRules): SliceVerdict[] {
  const all = [...slices].map(([slice, t]) => ({ slice, ...t }));
  const p = all.map((s) => anytimePValue(lnSliceEValue(s.agreed, s.n, rules.threshold)));
  const bh = benjaminiHochberg(p, rules.alpha);
  const z = normalQuantile(1 - rules.alpha);
  const verdicts = all.map((s, i): SliceVerdict => {
    const w = wilsonInterval(s.agreed, s.n, z);
    const needs = Math.max(0, rules.minSamples - s.n);
    const failed = bh.rejected[i];
    let status: SliceStatus = 'enough';
    if (failed) status = 'failed';
    else if (s.n > 0 && w.upper < rules.threshold) status = 'suspect';
    else if (needs > 0) status = rules.exempt?.has(s.slice) ? 'exempt' : 'short';
    return {
      slice: s.slice,
      n: s.n,
      agreed: s.agreed,
      agreement: s.n > 0 ? round(s.agreed / s.n) : null,
      lower: round(w.lower),
      upper: round(w.upper),
      pValue: round(p[i], 6),
      adjustedP: round(bh.adjusted[i], 6),
      status,
      needs,
      failed,
    };
  });
  return verdicts.sort((a, b) => (a.agreement ?? 2) - (b.agreement ?? 2) || b.n - a.n);
}
