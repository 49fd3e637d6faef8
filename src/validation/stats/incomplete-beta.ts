import { lnGamma } from './gamma.js';

/** ln B(a, b), the complete beta function. */
export function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

// Lentz's continued fraction for I_x(a, b) (Numerical Recipes §6.4); converges fast for x < (a+1)/(a+b+2).
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/**
 * ln I_x(a, b), the log of the regularized incomplete beta function, kept in log space because
 * the slice e-values divide it by likelihoods as small as 0.05^n.
 */
export function lnRegularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return Number.NEGATIVE_INFINITY;
  if (x >= 1) return 0;
  const lnFront = a * Math.log(x) + b * Math.log1p(-x) - lnBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) return lnFront + Math.log(betaFraction(a, b, x)) - Math.log(a);
  // Symmetry I_x(a, b) = 1 − I_{1−x}(b, a), where the fraction converges.
  const other = Math.exp(lnFront + Math.log(betaFraction(b, a, 1 - x)) - Math.log(b));
  return Math.log1p(-Math.min(other, 1));
}
