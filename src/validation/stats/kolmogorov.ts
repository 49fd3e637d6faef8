/**
 * Survival function of the Kolmogorov distribution, Q(λ) = P(K > λ) with
 * K = sup|B(t)| of a Brownian bridge: Q(λ) = 2 Σ_{k>=1} (−1)^{k−1} e^{−2k²λ²}. That alternating
 * series converges slowly for small λ, where the Jacobi-theta form
 * P(K <= λ) = √(2π)/λ · Σ_{k>=1} e^{−(2k−1)²π²/(8λ²)} is used instead (Marsaglia, Tsang & Wang 2003).
 */
export function kolmogorovSurvival(lambda: number): number {
  if (Number.isNaN(lambda)) return Number.NaN;
  if (lambda <= 0) return 1;
  if (lambda < 1.18) {
    const w = Math.sqrt(2 * Math.PI) / lambda;
    const f = (Math.PI * Math.PI) / (8 * lambda * lambda);
    let sum = 0;
    for (let k = 1; k < 50; k++) {
      const t = Math.exp(-(2 * k - 1) * (2 * k - 1) * f);
      sum += t;
      if (t < 1e-17 * sum) break;
    }
    return Math.min(1, Math.max(0, 1 - w * sum));
  }
  let sum = 0;
  for (let k = 1; k < 100; k++) {
    const t = Math.exp(-2 * k * k * lambda * lambda);
    sum += k % 2 === 1 ? t : -t;
    if (t < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}
