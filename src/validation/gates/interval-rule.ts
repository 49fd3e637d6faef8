import { hodgesLehmann } from '../stats/hodges-lehmann.js';
import { round } from './result.js';

export type IntervalStatus = 'passed' | 'failed' | 'undecided';

/** One quantity judged on its interval: per-round ratios to the baseline, or the candidate's own values. */
export interface IntervalVerdict {
  status: IntervalStatus;
  /** Hodges–Lehmann estimate and bounds, back on the ratio (or millisecond) scale. */
  estimate: number;
  lower: number;
  upper: number;
  limit: number;
  rounds: number;
  /** One-sided error of each bound at this look (α spread over the looks; achieved value). */
  alpha: number;
}

/**
 * The latency and resources rule: per-round values (ratios of candidate to baseline, or the
 * candidate's own P95s) on the log scale, a Hodges–Lehmann interval for their centre (the
 * median round), and: fail only when the whole interval is above the limit, pass only when it is
 * all at or below it, undecided while it straddles (the caller adds rounds, then says
 * inconclusive). Logs make "1.2× slower" and "1.2× faster" symmetric, which the signed-rank
 * interval assumes. `alpha` is the error allowed to each bound at this look.
 */
export function judgeOnInterval(values: readonly number[], limit: number, alpha: number): IntervalVerdict {
  const logs = values.filter((v) => v > 0 && Number.isFinite(v)).map(Math.log);
  if (logs.length === 0)
    return { status: 'undecided', estimate: Number.NaN, lower: 0, upper: Infinity, limit, rounds: 0, alpha };
  const hl = hodgesLehmann(logs, alpha);
  const lower = Math.exp(hl.lower);
  const upper = Math.exp(hl.upper);
  let status: IntervalStatus = 'undecided';
  if (lower > limit) status = 'failed';
  else if (upper <= limit) status = 'passed';
  return {
    status,
    estimate: round(Math.exp(hl.estimate), 4),
    lower: round(lower, 4),
    upper: round(upper, 4),
    limit,
    rounds: logs.length,
    alpha: round(hl.alpha, 5),
  };
}

/**
 * The rounds at which the rule looks: minRounds, then every `step` rounds up to maxRounds. Each
 * look gets α / (number of looks) per bound (Bonferroni), so looking again while the interval
 * straddles does not raise the chance of a wrong verdict above α.
 */
export function looks(minRounds: number, maxRounds: number, step = 4): number[] {
  const out: number[] = [];
  for (let r = minRounds; r < maxRounds; r += step) out.push(r);
  out.push(Math.max(minRounds, maxRounds));
  return out;
}

/** "1.03× [0.97, 1.10]". */
export function intervalText(v: IntervalVerdict, unit = '×'): string {
  return `${v.estimate}${unit} [${v.lower}, ${v.upper}]`;
}
