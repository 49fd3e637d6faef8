import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protocolDefaults } from '../../spec/server.js';
import { deadPort, type FakeModelServer, fakeClock, startFakeModelServer } from '../fake-server.js';
import { createHttpClient } from '../http.js';
import { healthGate } from './health.js';

describe('health gate', () => {
  const client = createHttpClient();
  let up: FakeModelServer;
  let notReady: FakeModelServer;
  beforeAll(async () => {
    up = await startFakeModelServer();
    notReady = await startFakeModelServer({ ready: false });
  });
  afterAll(async () => {
    await Promise.all([up.close(), notReady.close(), client.close()]);
  });

  it('passes when every candidate replica answers /health and /ready', async () => {
    const r = await healthGate({
      client,
      candidate: [up.url, up.url],
      waitSeconds: 30,
      retries: 5,
      clock: fakeClock(),
    });
    expect(r.status).toBe('passed');
    expect(r.measured.readyReplicas).toBe(2);
  });

  it("asks the candidate's own probe paths when the spec's server section names them", async () => {
    const input = { client, candidate: [notReady.url], waitSeconds: 1, retries: 1, clock: fakeClock() };
    expect((await healthGate(input)).status).toBe('failed');
    const server = { ...protocolDefaults('greenlight'), readiness: { path: '/health', status: 200 } };
    expect((await healthGate({ ...input, server })).status).toBe('passed');
  });

  it('fails when a replica stays not ready past waitSeconds × retries, polling meanwhile', async () => {
    const clock = fakeClock();
    const r = await healthGate({
      client,
      candidate: [up.url, notReady.url],
      waitSeconds: 2,
      retries: 3,
      clock,
    });
    expect(r.status).toBe('failed');
    expect(r.summary).toContain('not ready within 6s');
    const replicas = r.evidence.replicas as { attempts: number; status: string }[];
    expect(replicas[1]).toMatchObject({ status: 'not ready' });
    expect(replicas[1].attempts).toBeGreaterThanOrEqual(5);
    expect(clock.now()).toBeLessThanOrEqual(6000);
  });

  it('passes once a slow starter becomes ready within the budget', async () => {
    const clock = fakeClock();
    let polls = 0;
    const slow = await startFakeModelServer({ ready: false });
    try {
      const sleep = async (ms: number) => {
        clock.advance(ms);
        if (++polls === 3) slow.setReady(true);
      };
      const r = await healthGate({
        client,
        candidate: [slow.url],
        waitSeconds: 30,
        retries: 5,
        clock: { now: clock.now, sleep },
      });
      expect(r.status).toBe('passed');
      expect((r.evidence.replicas as { attempts: number }[])[0].attempts).toBe(4);
    } finally {
      await slow.close();
    }
  });

  it('is an error, not a failure, when the candidate cannot be reached at all', async () => {
    const url = `http://127.0.0.1:${await deadPort()}`;
    const r = await healthGate({ client, candidate: [url], waitSeconds: 1, retries: 2, clock: fakeClock() });
    expect(r.status).toBe('error');
    expect(r.summary).toMatch(/unreachable: GET \/health: .*ECONNREFUSED/);
  });
});
