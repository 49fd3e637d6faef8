import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GreenlightError } from '../errors.js';

/** Admin tokens by name: the name is the actor recorded in the audit log. */
export interface AdminTokens {
  /** name → token */
  readonly byName: ReadonlyMap<string, string>;
  /** Set when a token was generated and written to `<data-dir>/admin-token`. */
  readonly generatedFile?: string;
}

/** File in the data directory holding the generated admin token (mode 0600). */
export function adminTokenFile(dataDir: string): string {
  return join(dataDir, 'admin-token');
}

/**
 * Where the control plane's admin tokens come from, first match wins:
 * GREENLIGHT_ADMIN_TOKENS="alice:tok1,bob:tok2" (named), `--admin-token` or GREENLIGHT_ADMIN_TOKEN
 * (named "admin"), `<data-dir>/admin-token` from an earlier run, else a new random token written there.
 */
export function resolveAdminTokens(
  dataDir: string,
  flag?: string,
  env: NodeJS.ProcessEnv = process.env,
): AdminTokens {
  if (env.GREENLIGHT_ADMIN_TOKENS) {
    const byName = new Map<string, string>();
    for (const part of env.GREENLIGHT_ADMIN_TOKENS.split(',')) {
      const i = part.indexOf(':');
      if (i <= 0 || i === part.length - 1) {
        throw new GreenlightError(
          'GL_USAGE',
          'GREENLIGHT_ADMIN_TOKENS expects name:token pairs separated by commas',
        );
      }
      byName.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
    }
    return { byName };
  }
  const given = flag ?? env.GREENLIGHT_ADMIN_TOKEN;
  if (given) return { byName: new Map([['admin', given]]) };
  const file = adminTokenFile(dataDir);
  if (existsSync(file)) return { byName: new Map([['admin', readFileSync(file, 'utf8').trim()]]) };
  const token = randomBytes(24).toString('base64url');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { byName: new Map([['admin', token]]), generatedFile: file };
}

/** The name of the token in an `Authorization: Bearer` header, or undefined. Constant-time compare. */
export function actorFor(tokens: AdminTokens, authorization: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!m) return undefined;
  const given = Buffer.from(m[1]);
  for (const [name, token] of tokens.byName) {
    const want = Buffer.from(token);
    if (want.length === given.length && timingSafeEqual(want, given)) return name;
  }
  return undefined;
}
