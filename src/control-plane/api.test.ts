import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidDocumentError } from '../errors.js';
import type { DeploymentSpec } from '../spec/types.js';
import { openStore } from '../store/sqlite-store.js';
import type { Store } from '../store/types.js';
import { createApiHandler } from './api.js';

/** A parseSpec double: the API's job is to carry the parser's verdict, not to parse. */
function parseSpec(text: string, baseDir: string): DeploymentSpec {
  if (text.includes('bad')) {
    throw new InvalidDocumentError('spec', [
      { path: 'spec.blue.replicas', expected: 'a whole number >= 1', found: 'string "two"' },
      { path: 'metadata.name', expected: 'a name', found: 'nothing' },
    ]);
  }
  const color = (v: string) => ({
    deploymentName: `d-${v}`,
    replicas: 1,
    modelVersion: v,
    model: `${baseDir}/${v}.onnx`,
    enabled: true,
  });
  return { name: text.trim(), blue: color('v1'), green: color('v2') } as unknown as DeploymentSpec;
}

let store: Store;
let server: Server;
let base: string;
const alice = { authorization: 'Bearer tok-a', 'content-type': 'application/json' };

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = alice) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response shapes vary per route; tests index into them
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

beforeAll(async () => {
  store = openStore(':memory:');
  const tokens = {
    byName: new Map([
      ['alice', 'tok-a'],
      ['bob', 'tok-b'],
    ]),
  };
  server = createServer(
    createApiHandler({
      store,
      tokens,
      parseSpec,
      loadSpec: () => parseSpec('from-path', '/x'),
      eventsPollMs: 20,
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  store.close();
});

describe('control-plane API', () => {
  it('answers /health and lists no deployments at first', async () => {
    expect((await call('GET', '/health')).body.status).toBe('ok');
    expect((await call('GET', '/api/deployments')).body).toEqual({ deployments: [] });
  });

  it('refuses mutations without a valid admin token', async () => {
    const none = await call('POST', '/api/deployments', { spec: 'x', baseDir: '/m' }, {});
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('GL_UNAUTHORIZED');
    const wrong = await call(
      'POST',
      '/api/deployments',
      { spec: 'x', baseDir: '/m' },
      { authorization: 'Bearer tok-c' },
    );
    expect(wrong.status).toBe(401);
    expect(store.pendingIntents()).toEqual([]);
  });

  it('answers bad JSON and invalid specs with 400 and every problem', async () => {
    const json = await call('POST', '/api/deployments', '{"spec": ');
    expect(json.status).toBe(400);
    expect(json.body.error.code).toBe('GL_BAD_JSON');
    const spec = await call('POST', '/api/deployments', { spec: 'bad', baseDir: '/m' });
    expect(spec.status).toBe(400);
    expect(spec.body.error.problems.map((p: { path: string }) => p.path)).toEqual([
      'spec.blue.replicas',
      'metadata.name',
    ]);
    const shape = await call('POST', '/api/deployments', { nothing: true });
    expect(shape.status).toBe(400);
  });

  it('records an apply intent with the token name as actor, and audits the command', async () => {
    const res = await call('POST', '/api/deployments', { spec: 'spam', baseDir: '/models' });
    expect(res.status).toBe(202);
    expect(res.body.name).toBe('spam');
    const [intent] = store.pendingIntents('spam');
    expect(intent).toMatchObject({ kind: 'apply', actor: 'alice', id: res.body.intent });
    expect((intent.payload.spec as DeploymentSpec).blue.model).toBe('/models/v1.onnx');
    const audit = store.listAudit({ deployment: 'spam' });
    expect(audit.at(-1)).toMatchObject({ kind: 'command', actor: 'alice', seq: res.body.auditSeq });
    const view = await call('GET', '/api/deployments/spam');
    expect(view.body).toMatchObject({ name: 'spam', phase: 'Pending', activeColor: null });
    expect(view.body.pendingIntents[0].kind).toBe('apply');
  });

  it('answers 404 for unknown deployments', async () => {
    expect((await call('GET', '/api/deployments/nope')).status).toBe(404);
    expect((await call('GET', '/api/deployments/nope/history')).status).toBe(404);
    expect((await call('POST', '/api/deployments/nope/promote', {})).status).toBe(404);
    expect((await call('GET', '/api/nothing')).status).toBe(404);
  });

  it('records promote, rollback and abort as intents with who and why', async () => {
    const spec = store.pendingIntents('spam')[0].payload.spec as DeploymentSpec;
    store.putDeployment({
      name: 'spam',
      spec,
      activeColor: 'blue',
      versions: { blue: 'v1' },
      generation: 1,
      currentRolloutId: null,
    });
    const res = await call(
      'POST',
      '/api/deployments/spam/rollback',
      { reason: 'p95 looks off' },
      {
        authorization: 'Bearer tok-b',
      },
    );
    expect(res.status).toBe(202);
    const intent = store.pendingIntents('spam').find((i) => i.id === res.body.intent);
    expect(intent).toMatchObject({ kind: 'rollback', actor: 'bob', reason: 'p95 looks off' });
    const promote = await call('POST', '/api/deployments/spam/promote', { full: true });
    expect(promote.status).toBe(202);
    // promote --full: the controller skips the remaining rollout steps
    expect(store.pendingIntents('spam').find((i) => i.id === promote.body.intent)?.payload).toEqual({
      full: true,
    });
    expect((await call('POST', '/api/deployments/spam/abort')).status).toBe(202);
    expect(store.pendingIntents('spam').map((i) => i.kind)).toEqual([
      'apply',
      'rollback',
      'promote',
      'abort',
    ]);
    const history = await call('GET', '/api/deployments/spam/history');
    expect(history.body).toEqual({ name: 'spam', rollouts: [] });
  });

  it('serves the audit log, its verification and a live event stream', async () => {
    const audit = await call('GET', '/api/audit?deployment=spam');
    expect(audit.body.records.map((r: { kind: string }) => r.kind)).toEqual([
      'command',
      'command',
      'command',
      'command',
    ]);
    expect((await call('GET', '/api/audit/verify')).body).toMatchObject({ ok: true, records: 4 });
    const ctl = new AbortController();
    const res = await fetch(`${base}/api/events?since=3`, { signal: ctl.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    const appended = store.appendAudit({
      deployment: 'spam',
      rolloutId: null,
      kind: 'note',
      actor: 'test',
      data: {},
    });
    for (let i = 0; i < 50 && !text.includes(`id: ${appended.seq}`); i++) {
      text += new TextDecoder().decode((await reader.read()).value);
    }
    ctl.abort();
    expect(text).toContain('id: 4\nevent: audit');
    expect(text).toContain(`id: ${appended.seq}\nevent: audit`);
    expect(text).not.toContain('id: 3\n');
  });
});

describe('control-plane API fallback', () => {
  it('hands GET paths it does not serve to the fallback (the dashboard), and still 404s the rest', async () => {
    const own = openStore(':memory:');
    const srv = createServer(
      createApiHandler({
        store: own,
        tokens: { byName: new Map() },
        parseSpec,
        loadSpec: () => parseSpec('x', '/'),
        fallback: (_req, res, url) => {
          if (url.pathname !== '/') return false;
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end('<h1>dashboard</h1>');
          return true;
        },
      }),
    );
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    try {
      expect(await (await fetch(`${url}/`)).text()).toBe('<h1>dashboard</h1>');
      expect((await fetch(`${url}/nope`)).status).toBe(404);
      expect((await fetch(`${url}/api/deployments`)).status).toBe(200);
    } finally {
      await new Promise((r) => srv.close(r));
      own.close();
    }
  });
});
