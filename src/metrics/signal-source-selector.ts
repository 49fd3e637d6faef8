import type { Registry } from 'prom-client';
import { GreenlightError } from '../errors.js';
import type { ObservationSpec } from '../spec/types.js';
import { PrometheusSignalSource, type PrometheusSourceOptions } from './prometheus-source.js';
import type { SignalSource } from './types.js';

export interface SignalSourceSelectorOptions {
  /** The in-process source (router and model-server metrics), used unless a spec says prometheus. */
  inProcess: SignalSource;
  /** The observation section of a deployment's current spec (e.g. from the store). */
  observationOf: (deployment: string) => Pick<ObservationSpec, 'source' | 'prometheusUrl'> | undefined;
  /** Where Prometheus query errors are counted. */
  registry?: Registry;
  /** Passed to every PrometheusSignalSource (retries, timeouts). */
  prometheus?: Omit<PrometheusSourceOptions, 'url' | 'registry'>;
}

/**
 * The SignalSource the controller gets: per deployment, `spec.observation.source` picks the
 * in-process metrics or the Prometheus server at `observation.prometheusUrl` (one client per URL).
 */
export function selectSignalSource(options: SignalSourceSelectorOptions): SignalSource {
  const clients = new Map<string, PrometheusSignalSource>();
  return {
    read(deployment, color, windowSeconds) {
      const obs = options.observationOf(deployment);
      if (obs?.source !== 'prometheus') return options.inProcess.read(deployment, color, windowSeconds);
      const url = obs.prometheusUrl;
      if (!url) {
        return Promise.reject(
          new GreenlightError(
            'GL_SIGNALS_UNAVAILABLE',
            `${deployment}: observation.source is prometheus but observation.prometheusUrl is not set`,
          ),
        );
      }
      let client = clients.get(url);
      if (!client) {
        client = new PrometheusSignalSource({ ...options.prometheus, url, registry: options.registry });
        clients.set(url, client);
      }
      return client.read(deployment, color, windowSeconds);
    },
  };
}
