/**
 * Typed errors with a stable `code` (STYLE.md §6, after undici's lib/core/errors.js).
 * Codes are part of the CLI's and the API's contract: scripts match on them.
 */
export class GreenlightError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'GreenlightError';
  }
}

/** A command-line usage mistake: wrong flag, missing argument. Exit code 2. */
export class UsageError extends GreenlightError {
  constructor(message: string) {
    super('GL_USAGE', message);
    this.name = 'UsageError';
  }
}

/** One problem in a user-supplied document: where, what was expected, what was found. */
export interface FieldProblem {
  path: string;
  expected: string;
  found: string;
}

/** A document (spec, samples file, model card) that failed validation; carries every problem at once. */
export class InvalidDocumentError extends GreenlightError {
  readonly problems: FieldProblem[];

  constructor(what: string, problems: FieldProblem[]) {
    super(
      'GL_INVALID_DOCUMENT',
      `${what} is invalid:\n${problems.map((p) => `  ${p.path}: expected ${p.expected}, found ${p.found}`).join('\n')}`,
    );
    this.problems = problems;
    this.name = 'InvalidDocumentError';
  }
}

/** Describe a found value briefly for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
