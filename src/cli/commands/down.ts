import { parseArgs } from '../args.js';

export const summary = 'stop the data plane (router and model servers) that `greenlight up` left serving';
export const usage = `greenlight down [--data-dir D] [--json]

Stops every model-server replica and the router recorded in D (default ./.greenlight or
GREENLIGHT_DATA_DIR): SIGTERM, then SIGKILL after each deployment's teardown.stopTimeoutSeconds.
Users are no longer served afterwards. Stop \`greenlight up\` first, or it restarts the router.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs(argv, { 'data-dir': { type: 'string' } }, false);
  const { resolveDataDir } = await import('../../store/data-dir.js');
  const { stopDataPlane } = await import('../../control-plane/down.js');
  const dataDir = resolveDataDir(values['data-dir']);
  const stopped = await stopDataPlane(dataDir, values.json ? undefined : (l) => console.log(l));
  console.log(
    values.json
      ? JSON.stringify({ dataDir, stopped })
      : `stopped ${stopped} process(es) recorded in ${dataDir}`,
  );
  return 0;
}
