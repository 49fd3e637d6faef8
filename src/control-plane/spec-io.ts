import { loadSpec as load } from '../spec/load.js';
import { parseSpec as parse } from '../spec/parse.js';
import type { DeploymentSpec } from '../spec/types.js';

/**
 * The spec as the local control plane reads it: slots must name a `model` file (local platform).
 * Throws InvalidDocumentError with every problem at once.
 */
export function parseLocalSpec(text: string, baseDir: string, source?: string): DeploymentSpec {
  return parse(text, baseDir, { platform: 'local', ...(source ? { source } : {}) });
}

export function loadLocalSpec(path: string): Promise<DeploymentSpec> {
  return load(path, { platform: 'local' });
}
