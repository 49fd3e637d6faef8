import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { GreenlightError } from '../errors.js';
import { type ParseOptions, parseSpec } from './parse.js';
import type { DeploymentSpec } from './types.js';

/** Read and parse a spec file; paths in it are relative to the file. */
export async function loadSpec(
  path: string,
  opts: Omit<ParseOptions, 'source'> = {},
): Promise<DeploymentSpec> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new GreenlightError(
      'GL_SPEC_NOT_FOUND',
      `cannot read spec ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`,
      {
        cause: err,
      },
    );
  }
  return parseSpec(text, dirname(file), { ...opts, source: path });
}
export { parseSpec } from './parse.js';
