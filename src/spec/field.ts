/**
 * A tiny description language for YAML documents. The spec's fields are described once
 * (fields.ts); the checker (check.ts) and the JSON Schema export (json-schema.ts) both read that
 * one description, so the CRD's openAPIV3Schema and what `greenlight deploy` accepts cannot drift apart.
 *
 * A field without a default is required unless `optional`; an absent object (unless `optional`) is checked as `{}`
 * so its children's defaults apply.
 */
interface Common {
  doc: string;
  optional?: boolean;
  /** The key in the parsed value when it differs from the YAML key (YAML `for` → `forSeconds`). */
  as?: string;
}

export interface StringField extends Common {
  kind: 'string';
  default?: string;
  enum?: readonly string[];
  /** A regular expression (source text, so the JSON Schema carries it too) and what it means in words. */
  pattern?: { source: string; means: string };
}

export interface NumberField extends Common {
  kind: 'number';
  default?: number;
  integer?: boolean;
  min?: number;
  max?: number;
  /** min is exclusive (ratios and thresholds that must be > 0). */
  exclusiveMin?: boolean;
  /** max is exclusive (a threshold of 1 that no finite sample can reach). */
  exclusiveMax?: boolean;
}

export interface BooleanField extends Common {
  kind: 'boolean';
  default?: boolean;
}

/** Seconds; the YAML may say 30 or "30s", "2m", "7d". */
export interface DurationField extends Common {
  kind: 'duration';
  default?: number;
  /** Zero is refused (a wait or a deadline of nothing measures nothing). */
  positive?: boolean;
}

/** A file path; relative ones are resolved against the spec file's directory. */
export interface PathField extends Common {
  kind: 'path';
}

export interface ArrayField extends Common {
  kind: 'array';
  /** Strings, or mappings (rollout steps); a list of mappings has no default but []. */
  items: StringField | ObjectField;
  default?: readonly string[];
  minItems?: number;
  unique?: boolean;
}

/** A mapping of names to strings (environment variables): any keys, every value a string. */
export interface MapField extends Common {
  kind: 'map';
  values: StringField;
}

/**
 * Any JSON value the spec carries through as written (a request body template), or with `scalar`
 * a string, number or boolean (a value a probe compares with).
 */
export interface JsonField extends Common {
  kind: 'json';
  scalar?: boolean;
}

export interface ObjectField extends Common {
  kind: 'object';
  fields: Record<string, Field>;
  /** Absent = error (blue, green, metadata, spec); otherwise an absent object takes its defaults. */
  required?: boolean;
  /** Accept and keep unknown keys (Kubernetes metadata carries uid, labels, managedFields…). */
  open?: boolean;
}

export type Field =
  | StringField
  | NumberField
  | BooleanField
  | DurationField
  | PathField
  | ArrayField
  | MapField
  | JsonField
  | ObjectField;

type Opts<F> = Omit<F, 'kind' | 'doc'>;

export const str = (doc: string, o: Opts<StringField> = {}): StringField => ({ kind: 'string', doc, ...o });
export const num = (doc: string, o: Opts<NumberField> = {}): NumberField => ({ kind: 'number', doc, ...o });
export const int = (doc: string, o: Opts<NumberField> = {}): NumberField => ({
  kind: 'number',
  doc,
  integer: true,
  ...o,
});
export const bool = (doc: string, o: Opts<BooleanField> = {}): BooleanField => ({
  kind: 'boolean',
  doc,
  ...o,
});
export const duration = (doc: string, o: Opts<DurationField> = {}): DurationField => ({
  kind: 'duration',
  doc,
  ...o,
});
export const path = (doc: string, o: Opts<PathField> = {}): PathField => ({ kind: 'path', doc, ...o });
export const list = (
  doc: string,
  items: StringField | ObjectField,
  o: Opts<Omit<ArrayField, 'items'>> = {},
): ArrayField => ({
  kind: 'array',
  doc,
  items,
  ...o,
});
export const map = (doc: string, values: StringField, o: Opts<Omit<MapField, 'values'>> = {}): MapField => ({
  kind: 'map',
  doc,
  values,
  ...o,
});
export const json = (doc: string, o: Opts<JsonField> = {}): JsonField => ({ kind: 'json', doc, ...o });
export const obj = (
  doc: string,
  fields: Record<string, Field>,
  o: Opts<Omit<ObjectField, 'fields'>> = {},
): ObjectField => ({
  kind: 'object',
  doc,
  fields,
  ...o,
});

/** A field's expected value in words, for error messages: "a number between 0 and 1". */
export function expectedText(f: Field): string {
  switch (f.kind) {
    case 'string':
      if (f.enum) return `one of ${f.enum.map((e) => JSON.stringify(e)).join(', ')}`;
      return f.pattern ? `a string: ${f.pattern.means}` : 'a string';
    case 'number':
      return numberText(f);
    case 'boolean':
      return 'true or false';
    case 'duration':
      return `a ${f.positive ? 'positive ' : ''}duration: seconds, or a string like "500ms", "30s", "2m", "1h", "7d"`;
    case 'path':
      return 'a file path';
    case 'array': {
      const what = f.minItems === 1 ? 'a non-empty list' : 'a list';
      if (f.items.kind === 'object') return `${what} of mappings`;
      const items = f.items.enum
        ? expectedText(f.items).replace(/^one of/, 'values from')
        : `strings${f.items.pattern ? `, each ${f.items.pattern.means}` : ''}`;
      return `${what} of ${items}`;
    }
    case 'map':
      return `a mapping of names to ${expectedText(f.values).replace(/^a /, '')}s`;
    case 'json':
      return f.scalar ? 'a string, number or true/false' : 'any JSON value';
    case 'object':
      return 'a mapping';
  }
}

function numberText(f: NumberField): string {
  const what = f.integer ? 'a whole number' : 'a number';
  if (f.min !== undefined && f.max !== undefined) {
    const ends =
      f.exclusiveMin && f.exclusiveMax
        ? ', both excluded'
        : f.exclusiveMin
          ? `, ${f.min} excluded`
          : f.exclusiveMax
            ? `, ${f.max} excluded`
            : '';
    return `${what} between ${f.min} and ${f.max}${ends}`;
  }
  if (f.min !== undefined)
    return f.exclusiveMin ? `${what} greater than ${f.min}` : `${what} of at least ${f.min}`;
  if (f.max !== undefined) return f.exclusiveMax ? `${what} below ${f.max}` : `${what} of at most ${f.max}`;
  return what;
}
