import { describe, expect, it } from 'vitest';
import { runCli } from '../../testing/cli.js';

describe('greenlight version', () => {
  it('names the Node.js it runs on: the one the suite runs on (a child runs on process.execPath)', async () => {
    const r = await runCli(['version', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      node: process.version,
      nodeInternals: { missing: [] },
    });
    const text = await runCli(['version']);
    expect(text.stdout).toMatch(
      new RegExp(`on Node\\.js ${process.version} \\(node internals: all in use\\)`),
    );
  });

  it('says when GREENLIGHT_NODE_INTERNALS=off asks for public APIs only', async () => {
    const r = await runCli(['version', '--json'], {
      env: { ...process.env, GREENLIGHT_NODE_INTERNALS: 'off' },
    });
    expect(JSON.parse(r.stdout).nodeInternals.missing).toEqual(['all: public APIs only']);
  });
});
