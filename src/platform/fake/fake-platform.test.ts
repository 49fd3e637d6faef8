import { describe, expect, it } from 'vitest';
import type { ColorSpec } from '../../spec/types.js';
import { createFakePlatform } from './fake-platform.js';

const spec = (v: string, replicas = 2): ColorSpec => ({
  deploymentName: 'm-blue',
  replicas,
  modelVersion: v,
  enabled: true,
});

describe('fake platform', () => {
  it('deploys, keeps the same version on repeat, replaces on a new version, tears down', async () => {
    const p = createFakePlatform();
    const a = await p.deploy('d', 'blue', spec('v1'));
    expect(a.replicas).toHaveLength(2);
    expect(a.readyReplicas).toBe(2);
    const again = await p.deploy('d', 'blue', spec('v1'));
    expect(again.replicas.map((r) => r.url)).toEqual(a.replicas.map((r) => r.url));
    const v2 = await p.deploy('d', 'blue', spec('v2'));
    expect(v2.replicas[0].url).not.toBe(a.replicas[0].url);
    expect(p.running()).toEqual(['d/blue-0', 'd/blue-1']);
    await p.teardown('d', 'blue', 1);
    await p.teardown('d', 'blue', 1);
    expect(p.running()).toEqual([]);
    expect((await p.status('d', 'blue')).modelVersion).toBeUndefined();
  });

  it('reports readiness as the test sets it and injects failures', async () => {
    const p = createFakePlatform();
    p.setReady('d', 'green', (calls) => (calls >= 3 ? 2 : 0));
    await p.deploy('d', 'green', spec('v2'));
    expect((await p.status('d', 'green')).readyReplicas).toBe(0);
    expect((await p.status('d', 'green')).readyReplicas).toBe(0);
    expect((await p.status('d', 'green')).readyReplicas).toBe(2);
    p.failNext('teardown');
    await expect(p.teardown('d', 'green', 1)).rejects.toMatchObject({ code: 'GL_PLATFORM_FAILED' });
    await p.teardown('d', 'green', 1);
    p.setResources('d', 'green', { rssBytes: 1, cpuPercent: 2 });
    expect(await p.resources('d', 'green', 10)).toEqual({ rssBytes: 1, cpuPercent: 2 });
  });
});
