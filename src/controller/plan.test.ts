import { describe, expect, it } from 'vitest';
import { fingerprint } from './plan.js';

describe('fingerprint of a slot', () => {
  const slot = { deploymentName: 's', replicas: 1, modelVersion: 'v1', model: '/m/v1.onnx', enabled: true };

  it('is what it was before slots could run commands, for a model slot (stored fingerprints stay valid)', () => {
    expect(fingerprint(slot)).toBe('["v1","/m/v1.onnx",null,null]');
  });

  it("changes with a slot's own server: command, env or cwd", () => {
    const own = { ...slot, model: undefined, command: ['python3', 'app.py', '{port}'] };
    const seen = new Set([
      fingerprint(slot),
      fingerprint(own),
      fingerprint({ ...own, command: ['python3', 'app2.py', '{port}'] }),
      fingerprint({ ...own, env: { SEED: '1' } }),
      fingerprint({ ...own, cwd: '/srv/app' }),
      fingerprint({ ...slot, env: { THREADS: '4' } }),
    ]);
    expect(seen.size).toBe(6);
  });
});
