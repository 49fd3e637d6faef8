import { ROOT } from '../../../testing/cli.js';

/** Compiled path of the stand-in model server (the vitest global setup compiles before tests run). */
export const STAND_IN = `${ROOT}dist/src/platform/local/testing/stand-in-server.js`;

/** A LocalPlatformOptions.serverCommand that runs the stand-in instead of `greenlight serve`. */
export function standInCommand(serveArgs: string[]) {
  return { command: process.execPath, args: [STAND_IN, ...serveArgs] };
}
