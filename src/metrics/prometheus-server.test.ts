import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prometheusPath, startPrometheus } from './prometheus-server.js';

describe.skipIf(!prometheusPath())('startPrometheus', () => {
  it('starts a ready server and removes its directory on close', async () => {
    const p = await startPrometheus({ config: 'global:\n  scrape_interval: 15s\n' });
    try {
      const res = await fetch(`${p.url}/api/v1/query?query=vector(1)`);
      expect(((await res.json()) as { status: string }).status).toBe('success');
    } finally {
      await p.close();
    }
    expect(existsSync(p.dir)).toBe(false);
  });

  it('rejects with GL_PROMETHEUS_UNAVAILABLE and the server output when the config is invalid', async () => {
    await expect(
      startPrometheus({ config: 'scrape_configs: [{ job_name: 1, nonsense: true }]\n' }),
    ).rejects.toMatchObject({
      code: 'GL_PROMETHEUS_UNAVAILABLE',
      message: expect.stringMatching(/config|field/i),
    });
  });
});
