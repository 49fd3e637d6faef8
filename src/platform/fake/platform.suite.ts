import { afterEach, describe, expect, it } from 'vitest';
import type { Color, ColorSpec } from '../../spec/types.js';
import type { ColorState, Platform } from '../types.js';

/** What an implementation under test provides to the shared suite. */
export interface PlatformHarness {
  platform: Platform;
  /** A ColorSpec this platform can run (local: a real model file; fake: anything). */
  colorSpec(color: Color, version: string, replicas: number): ColorSpec;
  /** Stop whatever is left (the suite tears down what it deploys, this is the safety net). */
  close(): Promise<void>;
}

/** Poll status until every replica is ready (bounded; real platforms start processes). */
async function ready(
  p: Platform,
  deployment: string,
  color: Color,
  want: number,
  tries = 200,
): Promise<ColorState> {
  let s = await p.status(deployment, color);
  for (let i = 0; i < tries && s.readyReplicas < want; i++) {
    await new Promise((r) => setTimeout(r, 50));
    s = await p.status(deployment, color);
  }
  return s;
}

/**
 * The Platform contract the controller relies on (STYLE.md §5: one suite for the fake and the real
 * implementations): every method is safe to repeat, deploying the running version keeps it, the two
 * colors are independent, teardown leaves nothing.
 */
export function platformSuite(name: string, make: () => Promise<PlatformHarness>): void {
  describe(`Platform contract: ${name}`, () => {
    let h: PlatformHarness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it('deploys N ready replicas, keeps them on a repeated deploy, and tears them down idempotently', async () => {
      h = await make();
      const { platform } = h;
      const spec = h.colorSpec('blue', 'v1', 2);
      const first = await platform.deploy('suite', 'blue', spec);
      expect(first.replicas).toHaveLength(2);
      const s = await ready(platform, 'suite', 'blue', 2);
      expect(s).toMatchObject({ color: 'blue', modelVersion: 'v1', readyReplicas: 2 });
      const again = await platform.deploy('suite', 'blue', spec);
      expect(again.replicas.map((r) => r.url).sort()).toEqual(first.replicas.map((r) => r.url).sort());
      await platform.teardown('suite', 'blue', 5);
      await platform.teardown('suite', 'blue', 5);
      const gone = await platform.status('suite', 'blue');
      expect(gone.replicas).toEqual([]);
      expect(gone.readyReplicas).toBe(0);
    });

    it('keeps colors independent and tears down a color that never ran', async () => {
      h = await make();
      const { platform } = h;
      await platform.teardown('suite', 'green', 5);
      await platform.deploy('suite', 'blue', h.colorSpec('blue', 'v1', 1));
      await platform.deploy('suite', 'green', h.colorSpec('green', 'v2', 1));
      expect((await ready(platform, 'suite', 'green', 1)).modelVersion).toBe('v2');
      await platform.teardown('suite', 'green', 5);
      expect((await platform.status('suite', 'green')).replicas).toEqual([]);
      expect((await ready(platform, 'suite', 'blue', 1)).readyReplicas).toBe(1);
      await platform.teardown('suite', 'blue', 5);
    });

    it('scales the same version down (keeping the first replicas) and back up (keeping those)', async () => {
      h = await make();
      const { platform } = h;
      await platform.deploy('suite', 'blue', h.colorSpec('blue', 'v1', 2));
      const before = (await ready(platform, 'suite', 'blue', 2)).replicas.map((r) => r.url);
      const down = await platform.deploy('suite', 'blue', h.colorSpec('blue', 'v1', 1));
      expect(down.replicas.map((r) => r.url)).toEqual(before.slice(0, 1));
      const up = await platform.deploy('suite', 'blue', h.colorSpec('blue', 'v1', 2));
      expect(up.replicas).toHaveLength(2);
      expect(up.replicas[0].url).toBe(before[0]);
      expect((await ready(platform, 'suite', 'blue', 2)).readyReplicas).toBe(2);
      await platform.teardown('suite', 'blue', 5);
    });

    it('replaces the replicas when the version changes', async () => {
      h = await make();
      const { platform } = h;
      await platform.deploy('suite', 'blue', h.colorSpec('blue', 'v1', 1));
      await platform.deploy('suite', 'blue', h.colorSpec('blue', 'v2', 1));
      expect((await ready(platform, 'suite', 'blue', 1)).modelVersion).toBe('v2');
      const usage = await platform.resources('suite', 'blue', 20);
      expect(usage.rssBytes).toBeGreaterThanOrEqual(0);
      expect(usage.cpuPercent).toBeGreaterThanOrEqual(0);
      await platform.teardown('suite', 'blue', 5);
    });
  });
}
