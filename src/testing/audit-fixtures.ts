/** The `data` of a `gate` audit record for a failed gate, as the controller writes it (tests only). */
export function failedGateData(gate: string, summary: string): Record<string, unknown> {
  return {
    result: { gate, status: 'failed', summary, measured: {}, threshold: {}, evidence: {} },
  };
}
