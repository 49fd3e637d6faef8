import { serverOf } from '../../spec/server.js';
import type { Step } from './step.js';

/** Wait for every candidate replica to answer /ready; past readyDeadline the candidate is rejected. */
export const waitReady: Step = async ({ deps, rollout, ctx, spec }) => {
  const color = rollout.candidate;
  const state = await deps.platform.status(spec.name, color);
  const want = spec[color].replicas;
  if (state.readyReplicas >= want && state.replicas.length >= want) {
    const urls = state.replicas.map((r) => r.url);
    // Replicas may have been replaced while starting; keep the router's list current.
    if (JSON.stringify(urls) !== JSON.stringify(ctx.candidateUrls))
      await deps.router.setBackends(color, urls, serverOf(spec[color]).readiness.path);
    return {
      event: 'ready',
      context: { candidateUrls: urls },
      audit: { readyReplicas: state.readyReplicas },
    };
  }
  const problems = state.problems ?? [];
  // Every replica is gone and the platform says why (e.g. the model file does not load): they will
  // not come back by waiting, so reject now with the platform's reason.
  if (state.replicas.length === 0 && problems.length > 0) {
    return {
      event: 'candidateFailed',
      reason: `${color} (${spec[color].modelVersion}) cannot run: ${problems.join('; ')}`,
      audit: { problems },
    };
  }
  if (deps.clock.now() >= (ctx.readyDeadline ?? 0)) {
    const why = problems.length > 0 ? `: ${problems.join('; ')}` : '';
    return {
      event: 'readyTimeout',
      reason: `${color} (${spec[color].modelVersion}): ${state.readyReplicas} of ${want} replicas ready after ${spec.readyTimeoutSeconds}s${why}`,
      audit: {
        readyReplicas: state.readyReplicas,
        replicas: want,
        timeoutSeconds: spec.readyTimeoutSeconds,
        problems,
      },
    };
  }
  return 'wait';
};
