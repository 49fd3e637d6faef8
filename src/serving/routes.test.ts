import { describe, expect, it } from 'vitest';
import { matchRoute } from './routes.js';

describe('matchRoute', () => {
  it.each([
    ['/predict', { name: 'predict' }],
    ['/predict?debug=1', { name: 'predict' }],
    ['/health', { name: 'health' }],
    ['/ready', { name: 'ready' }],
    ['/metrics', { name: 'metrics' }],
    ['/v2', { name: 'server-metadata' }],
    ['/v2/health/live', { name: 'server-live' }],
    ['/v2/health/ready', { name: 'server-ready' }],
    ['/v2/models/spam', { name: 'model-metadata', model: 'spam', modelVersion: undefined }],
    ['/v2/models/spam/ready', { name: 'model-ready', model: 'spam', modelVersion: undefined }],
    ['/v2/models/spam/infer', { name: 'model-infer', model: 'spam', modelVersion: undefined }],
    ['/v2/models/spam/versions/v2/infer', { name: 'model-infer', model: 'spam', modelVersion: 'v2' }],
    ['/v2/models/a%20b', { name: 'model-metadata', model: 'a b', modelVersion: undefined }],
  ])('%s', (url, expected) => {
    expect(matchRoute(url)).toEqual(expected);
  });

  it.each(['/', '/predict/', '/v2/models', '/v2/models/a/b', '/v2/models/a/explain', '/v2/models/%E0%A4%A'])(
    '%s matches nothing',
    (url) => {
      expect(matchRoute(url)).toBeUndefined();
    },
  );
});
