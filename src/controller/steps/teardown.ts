import type { Step } from './step.js';

/**
 * TearingDownBlue: let the previous slot's in-flight requests finish, take it out of the router,
 * stop it. Each call is idempotent, so a crash anywhere here repeats the whole step harmlessly.
 */
export const teardownPrevious: Step = async ({ deps, rollout, spec, actor }) => {
  const color = rollout.baseline;
  const drained = await deps.router.waitIdle(color, spec.teardown.drainTimeoutSeconds * 1000);
  await deps.router.setBackends(color, []);
  await deps.platform.teardown(spec.name, color, spec.teardown.stopTimeoutSeconds);
  return {
    event: 'tornDown',
    audit: { color, version: rollout.baselineVersion, drained },
    extraAudit: [{ kind: 'teardown', actor, data: { color, version: rollout.baselineVersion, drained } }],
    deployment: (d) => {
      const versions = { ...d.versions };
      delete versions[color];
      return { versions };
    },
  };
};
