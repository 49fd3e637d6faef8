import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeModel } from './fake-model.js';
import { type ModelServer, startModelServer } from './server.js';
import { testClient } from './test-client.js';

let server: ModelServer;
let client: ReturnType<typeof testClient>;

beforeAll(async () => {
  const model = createFakeModel((text) => {
    if (text === 'explode') throw new Error('tensor shape mismatch');
    return { label: 'ham', score: 0.75 };
  });
  server = await startModelServer({ model, version: 'v3', warmup: 0 });
  await server.ready;
  client = testClient(server.url);
});

afterAll(async () => {
  await client.close();
  await server.close();
});

const metric = async (pattern: RegExp) => Number(pattern.exec((await client.get('/metrics')).text)?.[1]);

describe('inference failures', () => {
  it('answer 500 naming the failure, count it, and leave the server serving', async () => {
    const errors = () => metric(/model_server_errors_total\{version="v3",error_type="inference"\} (\d+)/);
    const before = await errors();
    const a = await client.post('/predict', { text: 'explode' });
    expect(a.status).toBe(500);
    expect(a.json.error).toMatch(/inference failed: tensor shape mismatch/);
    expect(a.headers['x-model-version']).toBe('v3');
    expect(await errors()).toBe(before + 1);
    expect((await client.post('/predict', { text: 'fine' })).json).toEqual({
      label: 'ham',
      score: 0.75,
      model_version: 'v3',
    });
    expect(await metric(/model_server_active_requests\{version="v3"\} (\d+)/)).toBe(0);
  });

  it('record only successful requests in the latency histogram', async () => {
    const count = () => metric(/model_server_latency_seconds_count\{version="v3"\} (\d+)/);
    const before = await count();
    await client.post('/predict', { text: 'explode' });
    await client.post('/predict', { text: 3 });
    await client.post('/predict', { text: 'fine' });
    expect(await count()).toBe(before + 1);
  });
});
