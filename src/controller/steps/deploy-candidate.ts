import type { ColorState } from '../../platform/types.js';
import { serverOf } from '../../spec/server.js';
import type { Step } from './step.js';

/** Platform error codes that mean "this candidate cannot run", not "try again". */
export const CANDIDATE_FAULTS = new Set(['GL_PLATFORM_SPEC', 'GL_MODEL_NOT_FOUND', 'GL_MODEL_INVALID']);

/**
 * Start the candidate slot's replicas and tell the router where they are. Both calls are
 * idempotent (the platform keeps replicas that already run this version), so a crash after either
 * just repeats it.
 */
export const deployCandidate: Step = async ({ deps, rollout, spec }) => {
  const color = rollout.candidate;
  let state: ColorState;
  try {
    state = await deps.platform.deploy(spec.name, color, spec[color]);
  } catch (err) {
    // A spec or model the platform cannot use will not get better by retrying: reject it.
    const code = (err as { code?: string }).code ?? '';
    if (!CANDIDATE_FAULTS.has(code)) throw err;
    return {
      event: 'candidateFailed',
      reason: `${color} (${spec[color].modelVersion}) cannot be deployed: ${(err as Error).message}`,
      audit: { code },
    };
  }
  const urls = state.replicas.map((r) => r.url);
  // Registering backends sends no user traffic there: the router serves only the active color.
  // The router's health check asks each slot's own server where it says it is ready.
  await deps.router.setBackends(color, urls, serverOf(spec[color]).readiness.path);
  const now = deps.clock.now();
  return {
    event: 'deployed',
    context: { deployedAt: now, readyDeadline: now + spec.readyTimeoutSeconds * 1000, candidateUrls: urls },
    audit: { color, version: spec[color].modelVersion, replicas: state.replicas.map((r) => r.id) },
    deployment: (d) => ({ versions: { ...d.versions, [color]: spec[color].modelVersion } }),
  };
};
