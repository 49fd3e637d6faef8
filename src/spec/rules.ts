import { foundText, type Problem } from './check.js';
import { checkRolloutSteps } from './rollout.js';
import { checkServerRules, type WrittenServers } from './server-rules.js';
import { COLORS, type Color, type DeploymentSpec, type ValidationSpec } from './types.js';

export type Platform = 'local' | 'kubernetes';

/**
 * Rules that span fields, applied to a spec whose fields each checked out. They add problems
 * rather than throw, so a user sees them together with any field errors.
 */
export function checkRules(
  spec: DeploymentSpec,
  platform: Platform,
  problems: Problem[],
  written: WrittenServers = {},
): void {
  if (spec.blue.deploymentName !== undefined && spec.blue.deploymentName === spec.green.deploymentName) {
    problems.push({
      at: ['spec', 'green', 'deploymentName'],
      expected: 'a name different from spec.blue.deploymentName (the two slots are separate deployments)',
      found: foundText(spec.green.deploymentName),
    });
  }
  for (const c of COLORS) slotRules(spec, c, platform, written, problems);
  // Sections that failed their own checks are absent (see parse.ts); their rules wait for a fix.
  const v = spec.validation as DeploymentSpec['validation'] | undefined;
  if (v) validationRules(v, problems);
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
  checkRolloutSteps(spec, problems);
}

/**
 * Rules inside spec.validation, shared with `greenlight validate`'s flags (validation-problems.ts).
 * The SPRT's lower hypothesis, threshold - indifference, must still be an agreement rate.
 */
export function validationRules(v: ValidationSpec, problems: Problem[]): void {
  if (v.sprt?.indifference !== undefined && v.agreementThreshold - v.sprt.indifference <= 0) {
    problems.push({
      at: ['spec', 'validation', 'sprt', 'indifference'],
      expected: `a half-width smaller than agreementThreshold (${v.agreementThreshold})`,
      found: foundText(v.sprt.indifference),
    });
  }
}

/**
 * What runs in a slot: on the local platform greenlight's server on an ONNX file (`model`) or the
 * user's own (`command`), exactly one; on kubernetes an `image`. A disabled slot may name nothing.
 */
function slotRules(
  spec: DeploymentSpec,
  c: Color,
  platform: Platform,
  written: WrittenServers,
  problems: Problem[],
): void {
  const slot = spec[c];
  if (platform === 'local' && slot.model !== undefined && slot.command !== undefined) {
    problems.push({
      at: ['spec', c, 'command'],
      expected: 'either model (greenlight serves the ONNX file) or command (your own server), not both',
      found: 'both model and command',
    });
  }
  if (!slot.enabled) return;
  if (platform === 'local' && slot.model === undefined && slot.command === undefined) {
    problems.push({
      at: ['spec', c, 'model'],
      about: [['spec', c, 'command']],
      expected: `a file path (an ONNX file greenlight serves) or spec.${c}.command (your own server); kubernetes specs set image instead`,
      found: 'nothing',
    });
  }
  if (platform === 'kubernetes' && slot.image === undefined) {
    problems.push({
      at: ['spec', c, 'image'],
      expected:
        'a container image: the kubernetes platform runs one (local specs set model or command instead)',
      found: 'nothing',
    });
  }
  checkServerRules(spec, c, written, problems);
}

/** Local unless told otherwise, or unless the slots name images and no model files. */
export function inferPlatform(spec: Pick<DeploymentSpec, 'blue' | 'green'>, declared?: Platform): Platform {
  if (declared) return declared;
  const images = COLORS.some((c) => spec[c].image !== undefined);
  const models = COLORS.some((c) => spec[c].model !== undefined || spec[c].command !== undefined);
  return images && !models ? 'kubernetes' : 'local';
}
