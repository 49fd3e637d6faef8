import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Tests spawn the real CLI (bin/greenlight.js → dist/), so compile once before any test runs.
 * tsc emits even when it reports type errors; `npm test` and `npm run lint` fail on those separately.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  try {
    execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.json`], {
      stdio: 'inherit',
      cwd: root,
    });
  } catch {
    // type errors are reported above; the emitted JavaScript is still usable for the run
  }
}
