import type { Store } from '../store/types.js';
import { createEventLog, type EventLog } from './event-log.js';
import { eventLogger, type LoggerLike } from './event-logger.js';

/**
 * The controller's Logger for `greenlight up`: every call that names a deployment is also written,
 * as one JSON line, to that deployment's `spec.observability.logsPath` (the seed's
 * deployment-controller.log), enriched with the rollout's phase, the candidate color and version
 * where the caller did not give them. Calls without a deployment, or for a spec without a
 * logsPath, go to `also` only. Logs are opened once per path.
 */
export function deploymentLogs(store: Pick<Store, 'getDeployment' | 'getRollout'>, also: LoggerLike) {
  const logs = new Map<string, LoggerLike & { close(): Promise<void> }>();

  function loggerFor(path: string): LoggerLike {
    let l = logs.get(path);
    if (!l) {
      const log: EventLog = createEventLog(path);
      l = { ...eventLogger(log), close: () => log.close() };
      logs.set(path, l);
    }
    return l;
  }

  function context(deployment: string): Record<string, unknown> | undefined {
    const d = store.getDeployment(deployment);
    const path = d?.spec.observability.logsPath;
    if (!d || !path) return undefined;
    const r = d.currentRolloutId !== null ? store.getRollout(d.currentRolloutId) : undefined;
    return {
      path,
      fields: r
        ? { phase: r.phase, color: r.candidate, version: r.candidateVersion }
        : {
            color: d.activeColor ?? undefined,
            version: d.activeColor ? d.versions[d.activeColor] : undefined,
          },
    };
  }

  const write =
    (level: 'info' | 'warn' | 'error') =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      also[level](msg, fields);
      const deployment = fields.deployment;
      if (typeof deployment !== 'string') return;
      try {
        const c = context(deployment) as { path: string; fields: Record<string, unknown> } | undefined;
        if (c) loggerFor(c.path)[level](msg, { ...c.fields, ...fields });
      } catch {
        // Losing a log line must never stop a rollout (the event log reports its own failures once).
      }
    };

  return {
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    /** Close every log file opened. */
    close: async () => {
      await Promise.all([...logs.values()].map((l) => l.close()));
      logs.clear();
    },
  };
}
