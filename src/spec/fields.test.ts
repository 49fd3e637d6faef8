import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../testing/cli.js';
import type { Field } from './field.js';
import { DOCUMENT } from './fields.js';

function leaves(f: Field, path: string): string[] {
  if (f.kind !== 'object') return [path];
  return Object.entries(f.fields).flatMap(([k, c]) => leaves(c, path ? `${path}.${k}` : k));
}

describe('the field description', () => {
  it('every field is documented in docs/spec.md', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'spec.md'), 'utf8');
    const missing = leaves(DOCUMENT, '')
      // A slot's server section has spec.server's fields; they are documented once.
      .map((p) => p.replace(/^spec\.(blue|green)\.server\./, 'spec.server.'))
      .map((p) => p.replace(/^spec\.(blue|green)\./, 'spec.{blue,green}.'))
      .filter((p) => !doc.includes(`\`${p}\``));
    expect(missing).toEqual([]);
  });

  it('every field has a doc line', () => {
    const undocumented: string[] = [];
    const walk = (f: Field, path: string) => {
      if (!f.doc.trim()) undocumented.push(path);
      if (f.kind === 'object') for (const [k, c] of Object.entries(f.fields)) walk(c, `${path}.${k}`);
    };
    walk(DOCUMENT, '$');
    expect(undocumented).toEqual([]);
  });
});
