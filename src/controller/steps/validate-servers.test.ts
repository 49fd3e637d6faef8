import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { DEFAULT_OUTPUT, protocolDefaults } from '../../spec/server.js';
import { createHarness, type Harness } from '../testing/harness.js';
import { testSpec } from '../testing/spec.js';

let h: Harness | undefined;
const dir = mkdtempSync(join(tmpdir(), 'gl-validate-servers-'));
afterEach(() => {
  h?.store.close();
  rmSync(dir, { recursive: true, force: true });
});

it("the validate step hands validation each role's server section and spec.output", async () => {
  h = createHarness({ file: join(dir, 'gl.db') });
  const spec = testSpec();
  spec.green.server = protocolDefaults('oip-v2', 'iris');
  spec.output = { ...DEFAULT_OUTPUT, kind: 'probabilities', probabilityTolerance: 0.1 };
  h.intent('apply', { spec });
  await h.until(() => (h?.validate.inputs.length ?? 0) > 0);
  expect(h.validate.inputs[0]).toMatchObject({
    baselineColor: 'blue',
    candidateColor: 'green',
    baselineServer: protocolDefaults('greenlight'),
    candidateServer: { protocol: 'oip-v2', modelName: 'iris' },
    output: { kind: 'probabilities', probabilityTolerance: 0.1 },
  });
});
