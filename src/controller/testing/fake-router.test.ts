import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../../router/router.js';
import { startUpstream, type Upstream } from '../../router/test-helpers.js';
import type { RouterControl } from '../../router/types.js';
import { createFakeRouter } from './fake-router.js';

/**
 * The controller's durability argument rests on how the router counts generations. This runs the
 * behaviours it relies on against the fake and the real in-process router (STYLE.md §5).
 */
let blue: Upstream;
let green: Upstream;
beforeAll(async () => {
  blue = await startUpstream('blue', 'v1');
  green = await startUpstream('green', 'v2');
});
afterAll(async () => {
  await blue.close();
  await green.close();
});

const impls: [string, () => Promise<{ control: RouterControl; close(): Promise<void> }>][] = [
  [
    'fake',
    async () => {
      const f = createFakeRouter();
      await f.setBackends('blue', [blue.url]);
      return { control: f, close: async () => {} };
    },
  ],
  [
    'real in-process router',
    async () => {
      const r: Router = await createRouter({ blue: [blue.url], green: [], healthCheck: { intervalMs: 0 } });
      return { control: r, close: () => r.close(100) };
    },
  ],
];

for (const [name, make] of impls) {
  describe(`router behaviour the controller relies on: ${name}`, () => {
    it('generations, refusals, rollback and shadow paging', async () => {
      const { control, close } = await make();
      try {
        expect(await control.state()).toMatchObject({ active: 'blue', generation: 0 });
        await expect(control.switchTo('green')).rejects.toMatchObject({ code: 'GL_ROUTER_UNHEALTHY_TARGET' });
        expect((await control.state()).generation).toBe(0);
        await control.setBackends('green', [green.url]);
        expect(await control.switchTo('green')).toMatchObject({
          active: 'green',
          previous: 'blue',
          generation: 1,
        });
        // switching to the active color again still counts: the controller must not repeat a switch
        expect(await control.switchTo('green')).toMatchObject({ active: 'green', generation: 2 });
        expect(await control.rollback()).toMatchObject({ active: 'blue', generation: 3 });
        expect((await control.shadowPairs(0, 0)).nextSeq).toBe(0);
        expect(await control.waitIdle('green', 100)).toBe(true);
        await expect(control.setBackends('blue', [])).rejects.toMatchObject({
          code: 'GL_ROUTER_UNHEALTHY_TARGET',
        });
        await control.setBackends('green', []);
        expect((await control.state()).colors.green.backends).toEqual([]);
      } finally {
        await close();
      }
    });
  });
}
