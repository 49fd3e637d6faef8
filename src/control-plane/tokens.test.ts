import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { actorFor, resolveAdminTokens } from './tokens.js';

const dir = mkdtempSync(join(tmpdir(), 'gl-tokens-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('admin tokens', () => {
  it('generates a token into <data-dir>/admin-token (mode 0600) and reuses it next time', () => {
    const first = resolveAdminTokens(dir, undefined, {});
    expect(first.generatedFile).toBe(join(dir, 'admin-token'));
    expect(statSync(first.generatedFile!).mode & 0o777).toBe(0o600);
    const token = readFileSync(first.generatedFile!, 'utf8').trim();
    expect(token.length).toBeGreaterThan(20);
    const second = resolveAdminTokens(dir, undefined, {});
    expect(second.generatedFile).toBeUndefined();
    expect(second.byName.get('admin')).toBe(token);
    expect(actorFor(second, `Bearer ${token}`)).toBe('admin');
  });

  it('names tokens from GREENLIGHT_ADMIN_TOKENS and prefers them', () => {
    const t = resolveAdminTokens(dir, 'flag-token', { GREENLIGHT_ADMIN_TOKENS: 'alice:a1,bob:b2' });
    expect(actorFor(t, 'Bearer b2')).toBe('bob');
    expect(actorFor(t, 'Bearer flag-token')).toBeUndefined();
    expect(actorFor(t, 'b2')).toBeUndefined();
    expect(() => resolveAdminTokens(dir, undefined, { GREENLIGHT_ADMIN_TOKENS: 'nocolon' })).toThrow(
      /name:token/,
    );
  });

  it('takes --admin-token or GREENLIGHT_ADMIN_TOKEN as the "admin" token', () => {
    expect(actorFor(resolveAdminTokens(dir, 'f', {}), 'Bearer f')).toBe('admin');
    expect(actorFor(resolveAdminTokens(dir, undefined, { GREENLIGHT_ADMIN_TOKEN: 'e' }), 'Bearer e')).toBe(
      'admin',
    );
  });
});
