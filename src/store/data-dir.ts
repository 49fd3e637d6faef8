import { join, resolve } from 'node:path';

/** File name of the SQLite database inside the data directory. */
export const DB_FILE = 'greenlight.db';

/** The data directory: `--data-dir`, else GREENLIGHT_DATA_DIR, else ./.greenlight (absolute). */
export function resolveDataDir(
  flag?: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): string {
  return resolve(cwd, flag ?? (env.GREENLIGHT_DATA_DIR || '.greenlight'));
}

/** Path of the database in a data directory. */
export function dbPath(dataDir: string): string {
  return join(dataDir, DB_FILE);
}

/** Where the router writes the request log when a spec names no path (docs/observability.md). */
export function defaultRequestLogPath(dataDir: string): string {
  return join(dataDir, 'logs', 'requests.jsonl');
}
