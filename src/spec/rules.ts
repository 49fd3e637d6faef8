import { foundText, type Problem } from './check.js';
import { COLORS, type DeploymentSpec } from './types.js';

export type Platform = 'local' | 'kubernetes';

/**
 * Rules that span fields, applied to a spec whose fields each checked out. They add problems
 * rather than throw, so a user sees them together with any field errors.
 */
export function checkRules(spec: DeploymentSpec, platform: Platform, problems: Problem[]): void {
  if (spec.blue.deploymentName !== undefined && spec.blue.deploymentName === spec.green.deploymentName) {
    problems.push({
      at: ['spec', 'green', 'deploymentName'],
      expected: 'a name different from spec.blue.deploymentName (the two slots are separate deployments)',
      found: foundText(spec.green.deploymentName),
    });
  }
  for (const c of COLORS) {
    const needed = platform === 'local' ? 'model' : 'image';
    if (spec[c][needed] === undefined) {
      problems.push({
        at: ['spec', c, needed],
        expected:
          platform === 'local'
            ? 'a file path: the local platform serves an ONNX file (kubernetes specs set image instead)'
            : 'a container image: the kubernetes platform runs one (local specs set model instead)',
        found: 'nothing',
      });
    }
  }
  // Sections that failed their own checks are absent (see parse.ts); their rules wait for a fix.
  const v = spec.validation as DeploymentSpec['validation'] | undefined;
  if (v && (v.source === 'samples' || v.source === 'both') && v.samples === undefined) {
    problems.push({
      at: ['spec', 'validation', 'samples'],
      expected: `a samples file, because validation.source is "${v.source}"`,
      found: 'nothing',
    });
  }
  const gates = v?.gates ?? [];
  if (v?.enabled && gates.includes('modelCard') && spec.green.modelCard === undefined) {
    problems.push({
      at: ['spec', 'validation', 'gates', gates.indexOf('modelCard')],
      expected:
        'a gate that has its input: modelCard needs spec.green.modelCard (give the card, or drop the gate)',
      found: 'string "modelCard"',
    });
  }
  const o = spec.observation as DeploymentSpec['observation'] | undefined;
  if (o?.source === 'prometheus' && o.prometheusUrl === undefined) {
    problems.push({
      at: ['spec', 'observation', 'prometheusUrl'],
      expected: 'a Prometheus URL, because observation.source is "prometheus"',
      found: 'nothing',
    });
  }
}

/** Local unless told otherwise, or unless the slots name images and no model files. */
export function inferPlatform(spec: Pick<DeploymentSpec, 'blue' | 'green'>, declared?: Platform): Platform {
  if (declared) return declared;
  const images = COLORS.some((c) => spec[c].image !== undefined);
  const models = COLORS.some((c) => spec[c].model !== undefined);
  return images && !models ? 'kubernetes' : 'local';
}
