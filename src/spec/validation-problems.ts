import type { FieldProblem } from '../errors.js';
import { type CheckContext, checkField, pathText } from './check.js';
import { VALIDATION } from './fields.js';
import { validationRules } from './rules.js';
import type { ValidationSpec } from './types.js';

/**
 * The problems of a ValidationSpec built in code (`greenlight validate`: defaults, a spec, flags),
 * judged by the same field description and rules the spec parser applies, so a threshold a spec
 * file may not hold cannot come in through a flag. Paths are spec paths: `spec.validation.…`.
 */
export function validationProblems(v: ValidationSpec): FieldProblem[] {
  // Paths in the value are absolute already (or absent), so the base directory is never used.
  const ctx: CheckContext = { baseDir: '/', problems: [] };
  checkField(VALIDATION, v, ['spec', 'validation'], ctx);
  validationRules(v, ctx.problems);
  return ctx.problems.map((p) => ({ path: pathText(p.at), expected: p.expected, found: p.found }));
}
