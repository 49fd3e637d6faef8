import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protocolDefaults } from '../spec/server.js';
import { type FakeModelServer, startFakeModelServer } from '../validation/fake-server.js';
import { createHttpClient } from '../validation/http.js';
import { captureCall } from '../validation/pairs/capture.js';
import { greenlightProtocol } from './greenlight.js';
import { DecodeError } from './protocol.js';

describe('protocol greenlight', () => {
  const protocol = greenlightProtocol(protocolDefaults('greenlight'));
  const client = createHttpClient();
  let server: FakeModelServer;
  beforeAll(async () => {
    server = await startFakeModelServer({ version: 'v1' });
  });
  afterAll(() => Promise.all([server.close(), client.close()]));

  it('sends a text (or a /predict body) and reads {label, score} back from the server', async () => {
    expect(protocol.encode('hi')).toEqual({ method: 'POST', path: '/predict', body: { text: 'hi' } });
    const req = protocol.encode({ text: 'win a prize' });
    const r = await captureCall(client, server.url, req, (b) => protocol.decode(b, 'label'));
    expect(r).toMatchObject({ status: 200, version: 'v1', prediction: { label: 'spam', score: 0.9 } });
    expect(() => protocol.encode({ instances: [] })).toThrow(
      'input: expected a text or a /predict body {"text": "…"}, found an object',
    );
    expect(() => protocol.encode('')).toThrow(/found ""/);
  });

  it('a body without label is a DecodeError; a request path and mapping may be overridden', () => {
    expect(protocol.decode({ error: 'x' }, 'label')).toBeInstanceOf(DecodeError);
    const custom = greenlightProtocol({
      ...protocolDefaults('greenlight'),
      request: { method: 'POST', path: '/v2/classify' },
      response: { label: 'result.class' },
    });
    expect(custom.encode('a').path).toBe('/v2/classify');
    expect(custom.decode({ result: { class: 'ham' } }, 'label')).toEqual({ label: 'ham' });
  });
});
