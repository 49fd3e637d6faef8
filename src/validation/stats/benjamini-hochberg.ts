/**
 * Benjamini–Hochberg step-up procedure (Benjamini & Hochberg 1995): controls the false discovery
 * rate at `q` across m tests. Returns BH-adjusted p-values (as R's p.adjust(method = "BH")) and
 * which hypotheses are rejected (adjusted p <= q), in the input order.
 */
export function benjaminiHochberg(
  pValues: readonly number[],
  q = 0.05,
): { adjusted: number[]; rejected: boolean[] } {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(m);
  let running = 1;
  // Step-up: walk from the largest p down, keeping the running minimum of p(k) · m / k.
  for (let k = m; k >= 1; k--) {
    const [p, i] = order[k - 1];
    running = Math.min(running, (p * m) / k);
    adjusted[i] = running;
  }
  return { adjusted, rejected: adjusted.map((a) => a <= q) };
}
