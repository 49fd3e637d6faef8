import { readPath } from '../spec/json-path.js';
import type { OutputKind, ResponseMapping } from '../spec/types.js';
import { type MappedParts, type Prediction, shapePrediction } from './prediction.js';
import { DecodeError, excerpt } from './protocol.js';

/** The mapping field each output kind needs. */
const NEEDED: Record<OutputKind, keyof ResponseMapping> = {
  label: 'label',
  probabilities: 'probabilities',
  regression: 'value',
};

/**
 * Read a prediction from a JSON answer through a response mapping (JSON paths). A path that is not
 * in the answer, or that holds the wrong type, is a DecodeError naming the path and showing an
 * excerpt of the answer. A label kind may also be read from `probabilities` (argmax).
 */
export function readMapped(
  body: unknown,
  mapping: ResponseMapping,
  kind: OutputKind,
): Prediction | DecodeError {
  const needed = NEEDED[kind];
  const usable = mapping[needed] !== undefined || (kind === 'label' && mapping.probabilities !== undefined);
  if (!usable)
    return new DecodeError(`(no ${needed})`, `output kind ${kind} needs response.${needed}`, excerpt(body));
  const parts: MappedParts = { classes: mapping.classes };
  for (const field of ['label', 'score', 'probabilities', 'value'] as const) {
    const path = mapping[field];
    if (path === undefined) continue;
    let r: ReturnType<typeof readPath>;
    try {
      r = readPath(body, path);
    } catch (err) {
      return new DecodeError(`${field} ${JSON.stringify(path)}`, (err as Error).message, excerpt(body));
    }
    if (!r.found)
      return new DecodeError(
        `${field} ${JSON.stringify(path)}`,
        `matches nothing (no ${r.missing})`,
        excerpt(body),
      );
    parts[field] = r.value;
  }
  const p = shapePrediction(parts, kind);
  if ('problem' in p) {
    const field = p.problem.slice(0, p.problem.indexOf(':')) as keyof MappedParts;
    const path = field === 'classes' ? undefined : mapping[field];
    return new DecodeError(
      path === undefined ? field : `${field} ${JSON.stringify(path)}`,
      `${p.problem.slice(field.length + 2)}, found ${excerpt(JSON.stringify(parts[field] ?? null), 60)}`,
      excerpt(body),
    );
  }
  return p;
}
