import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { testSpec } from '../controller/testing/spec.js';
import type { DeploymentSpec, RequestLogSpec } from '../spec/types.js';
import { openStore } from '../store/sqlite-store.js';
import { createApiHandler } from './api.js';
import { routeArgs } from './data-plane.js';
import { requestLogOf } from './local.js';

const withLog = (r: Partial<RequestLogSpec>): DeploymentSpec => {
  const spec = testSpec({ name: 'spam' });
  spec.observability.requestLog = { enabled: true, sampleRate: 0.5, maxBytes: 1 << 20, keep: 2, ...r };
  return spec;
};

describe('the request log from the spec to the router and the CLI', () => {
  it('a spec with the log enabled starts the router with --request-log and its settings', () => {
    expect(requestLogOf(testSpec(), '/data')).toBeUndefined();
    const initial = { blue: ['http://b'], green: [], ...requestLogOf(withLog({}), '/data') };
    const args = routeArgs({ trafficPort: 8080, adminPort: 7071 }, initial);
    const flag = (name: string) => args[args.indexOf(name) + 1];
    expect(flag('--request-log')).toBe('/data/logs/requests.jsonl');
    expect(flag('--request-log-sample')).toBe('0.5');
    expect(flag('--request-log-max-bytes')).toBe(String(1 << 20));
    expect(flag('--request-log-keep')).toBe('2');
    expect(requestLogOf(withLog({ path: '/var/log/r.jsonl' }), '/data')?.requestLog.path).toBe(
      '/var/log/r.jsonl',
    );
    expect(routeArgs({ trafficPort: 1, adminPort: 2 }, { blue: [], green: [] })).not.toContain(
      '--request-log',
    );
  });

  it('GET /api/deployments/NAME/request-log tells the CLI where the log is', async () => {
    const store = openStore(':memory:');
    const server = createServer(
      createApiHandler({
        store,
        tokens: { byName: new Map() },
        dataDir: '/data',
        parseSpec: () => testSpec(),
        loadSpec: () => testSpec(),
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const rec = { activeColor: 'blue' as const, versions: {}, generation: 0, currentRolloutId: null };
      store.putDeployment({ name: 'spam', spec: withLog({}), ...rec });
      store.putDeployment({ name: 'off', spec: testSpec({ name: 'off' }), ...rec });
      const get = async (n: string) => {
        const res = await fetch(`${base}/api/deployments/${n}/request-log`);
        return { status: res.status, body: await res.json() };
      };
      expect(await get('spam')).toEqual({
        status: 200,
        body: { name: 'spam', enabled: true, path: '/data/logs/requests.jsonl' },
      });
      expect((await get('off')).body).toMatchObject({ enabled: false });
      expect((await get('nope')).status).toBe(404);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      store.close();
    }
  });
});
