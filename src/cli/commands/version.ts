import { readFileSync } from 'node:fs';

export const summary = 'print the greenlight version, and the Node.js it runs on';
export const usage = `greenlight version [--json]

Prints greenlight's version, the Node.js version, and whether the router and the model server use
Node's internals for speed (see GREENLIGHT_NODE_INTERNALS in docs/router.md) or public APIs only.
--json: {"version", "node", "nodeInternals": {"missing": [...]}}`;

export async function run(argv: string[]): Promise<number> {
  const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  const { nodeInternals } = await import('../../router/node-internals.js');
  const missing = [...nodeInternals.missing];
  if (argv.includes('--json')) {
    console.log(JSON.stringify({ version: pkg.version, node: process.version, nodeInternals: { missing } }));
  } else {
    const internals = missing.length === 0 ? 'all in use' : `public APIs for ${missing.join(', ')}`;
    console.log(`greenlight ${pkg.version} on Node.js ${process.version} (node internals: ${internals})`);
  }
  return 0;
}
