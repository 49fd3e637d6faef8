/**
 * Population Stability Index between two histograms over the same bins:
 * Σ (q − p) · ln(q / p) over bin proportions, with empty bins smoothed by `epsilon` so one empty
 * bin does not make it infinite. 0.1 is a moderate shift, 0.25 a significant one (practice).
 */
export function psi(baseline: readonly number[], current: readonly number[], epsilon = 1e-4): number {
  if (baseline.length !== current.length) throw new RangeError('psi: histograms have different bin counts');
  const pTotal = baseline.reduce((a, b) => a + b, 0);
  const qTotal = current.reduce((a, b) => a + b, 0);
  if (pTotal <= 0 || qTotal <= 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < baseline.length; i++) {
    const p = Math.max(baseline[i] / pTotal, epsilon);
    const q = Math.max(current[i] / qTotal, epsilon);
    sum += (q - p) * Math.log(q / p);
  }
  return sum;
}
