import { readPath } from '../spec/json-path.js';
import type { ProbeSpec } from '../spec/types.js';

/**
 * What one probe saw: passed, or why not in one line that follows `GET /ready: `
 * ("answered 503 (expected 200)", "ready is false (expected true)").
 */
export type ProbeOutcome = { ok: true } | { ok: false; detail: string };

/**
 * Judge one probe answer by its rule: the status must be `probe.status`, and when `jsonField` is
 * set, that field of the JSON body must equal `equals` (compared as JSON values; a string rule
 * also matches the same text in another type, e.g. "true" and true). The one judge of a probe
 * rule: the health gate and the local platform's readiness both ask it.
 */
export function judgeProbe(probe: ProbeSpec, status: number, text: string): ProbeOutcome {
  if (status !== probe.status) return { ok: false, detail: `answered ${status} (expected ${probe.status})` };
  if (probe.jsonField === undefined) return { ok: true };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {
      ok: false,
      detail: `expected a JSON body with ${probe.jsonField}, found ${JSON.stringify(text.slice(0, 60))}`,
    };
  }
  const r = readPath(body, probe.jsonField);
  if (!r.found) return { ok: false, detail: `${probe.jsonField} is missing (no ${r.missing})` };
  if (probe.equals === undefined) return { ok: true };
  const same =
    r.value === probe.equals || (typeof probe.equals === 'string' && String(r.value) === probe.equals);
  return same
    ? { ok: true }
    : {
        ok: false,
        detail: `${probe.jsonField} is ${JSON.stringify(r.value)} (expected ${JSON.stringify(probe.equals)})`,
      };
}
