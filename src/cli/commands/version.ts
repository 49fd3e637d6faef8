import { readFileSync } from 'node:fs';

export const summary = 'print the greenlight version';
export const usage = 'greenlight version [--json]';

export async function run(argv: string[]): Promise<number> {
  const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  console.log(
    argv.includes('--json') ? JSON.stringify({ version: pkg.version }) : `greenlight ${pkg.version}`,
  );
  return 0;
}
