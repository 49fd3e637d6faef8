import { describe, expect, it } from 'vitest';
import { freePort } from '../platform/local/free-port.js';
import { runCli } from '../testing/cli.js';

/**
 * `npm start -- --once`, as a user runs it: the real CLI, the demo's example specs and models (built
 * into models/ when missing), real processes. Slow by nature (about a minute: two rollouts with a
 * 30 s observation window). Its outcome does not hang on chance or machine load because the demo
 * specs (examples/demo-spam-*.yaml) give the agreement gate a cap of 400 pairs, and the latency gate
 * judges an interval of per-round ratios measured with both colors loaded at once (seed ratio 1.2).
 * GREENLIGHT_SKIP_DEMO_TEST=1 skips it.
 */
describe.skipIf(process.env.GREENLIGHT_SKIP_DEMO_TEST === '1')('greenlight demo --once', () => {
  it('rolls v2 out, rejects v3-regressed, leaves v2 serving and exits 0', async () => {
    const ports = ['--port', String(await freePort()), '--traffic-port', String(await freePort())];
    const res = await runCli(['demo', '--once', ...ports], { timeoutMs: 540_000 });
    expect(res.stdout, res.stderr + res.stdout.slice(-3000)).toContain('✔ both rollouts ended as expected');
    expect(res.stdout).toMatch(/spam-v2: Complete;\s+spam-v3-regressed: ValidationFailed/);
    expect(res.stdout).toContain('active color: green serving v2');
    // The demo only applies specs: it never plays the operator.
    expect(res.stdout).not.toContain('waiting for an operator');
    expect(res.stdout).toMatch(/users' requests: \d+ answered \(v1: \d+, v2: \d+\), 0 failed/);
    expect(res.stdout).toContain('while v3-regressed was validated users got: v2:');
    expect(res.code).toBe(0);
  }, 600_000);
});
