import { collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * prom-client 15's default collectors export three gauges named `*_total`, which
 * `promtool check metrics` rejects ("non-counter metrics should not have _total suffix").
 * greenlight's exporters must pass promtool, so they are removed; nothing reads them.
 */
const MISNAMED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/**
 * Process and runtime metrics (`process_resident_memory_bytes`, `process_cpu_seconds_total`, …:
 * the resources gate reads them) in `registry`, minus prom-client's misnamed gauges.
 */
export function collectProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name);
}
