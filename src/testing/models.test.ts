import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './cli.js';
import { ensureModels } from './models.js';

describe('ensureModels', () => {
  it('returns the absolute cache directory with every example model, once for concurrent callers', async () => {
    const [a, b] = await Promise.all([ensureModels(), ensureModels()]);
    expect(a).toBe(join(ROOT, '.cache', 'models'));
    expect(b).toBe(a);
    for (const f of [
      'spam-v1.onnx',
      'spam-v2.onnx',
      'spam-v3-regressed.onnx',
      'spam-v3-slow.onnx',
      'spam-v3-skewed.onnx',
    ]) {
      expect(existsSync(join(a, f))).toBe(true);
      expect(existsSync(join(a, f.replace('.onnx', '.card.yaml')))).toBe(true);
    }
    expect(existsSync(join(a, 'samples.jsonl'))).toBe(true);
    // a second call reuses the cache instead of rebuilding
    const before = statSync(join(a, 'spam-v1.onnx')).mtimeMs;
    await ensureModels();
    expect(statSync(join(a, 'spam-v1.onnx')).mtimeMs).toBe(before);
    expect(existsSync(join(ROOT, '.cache', 'models.lock'))).toBe(false);
  });
});
