import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../testing/cli.js';
import { detectNodeInternals, nodeInternals, PUBLIC_ONLY } from './node-internals.js';

const run = promisify(execFile);

/** Load the compiled module in a fresh Node with `flags`; what it detected, and its stderr. */
async function detectIn(flags: string[], env: NodeJS.ProcessEnv = {}) {
  const url = new URL('dist/src/router/node-internals.js', `file://${ROOT}`).href;
  const code = `const m = await import(${JSON.stringify(url)}); console.log(JSON.stringify(m.nodeInternals.missing));`;
  const { stdout, stderr } = await run(process.execPath, [...flags, '--input-type=module', '-e', code], {
    env: { ...process.env, ...env },
  });
  return { missing: JSON.parse(stdout) as string[], stderr };
}

describe('node internals', () => {
  it(`are all found on this Node (${process.version})`, () => {
    expect(nodeInternals.missing).toEqual([]);
    expect(nodeInternals.onreadBuffer).toBeTypeOf('symbol');
  });

  it('GREENLIGHT_NODE_INTERNALS=off asks for public APIs only', async () => {
    expect(detectNodeInternals({ GREENLIGHT_NODE_INTERNALS: 'off' })).toBe(PUBLIC_ONLY);
    expect(detectNodeInternals({})).not.toBe(PUBLIC_ONLY);
    const { missing } = await detectIn([], { GREENLIGHT_NODE_INTERNALS: 'off' });
    expect(missing).toEqual(PUBLIC_ONLY.missing);
  });

  it('prints no deprecation warning, even where process.binding warns (--pending-deprecation)', async () => {
    // the flag makes process.binding warn (DEP0111): proof that the warning would come without care
    const bare = await run(process.execPath, [
      '--pending-deprecation',
      '-e',
      "process.binding('stream_wrap')",
    ]);
    expect(bare.stderr).toContain('DEP0111');
    const ours = await detectIn(['--pending-deprecation']);
    expect(ours.missing).toEqual([]);
    expect(ours.stderr).toBe('');
    // and --throw-deprecation does not turn the detection into a crash
    expect((await detectIn(['--throw-deprecation', '--pending-deprecation'])).missing).toEqual([]);
  });
});
