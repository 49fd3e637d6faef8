import { UsageError } from '../../errors.js';
import { parseArgs } from '../args.js';

export const summary = 'list the rollouts of a deployment, newest first';
export const usage = `greenlight history NAME [--limit N] [--json] [--data-dir D]

Every rollout with its versions, the phase it ended in, how long it took and why it ended.
The audit log (greenlight audit export) has every step.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, {
    limit: { type: 'string' },
    'data-dir': { type: 'string' },
  });
  const name = positionals[0];
  if (!name) throw new UsageError('expects a deployment NAME');
  const { intFlag } = await import('../args.js');
  const limit = intFlag('limit', values.limit, 50, 1, 10_000);
  const { createClient } = await import('../client.js');
  const { renderHistory } = await import('../../control-plane/render.js');
  const res = await createClient({ dataDir: values['data-dir'] }).get<{ name: string; rollouts: [] }>(
    `/api/deployments/${encodeURIComponent(name)}/history?limit=${limit}`,
  );
  console.log(values.json ? JSON.stringify(res, null, 2) : renderHistory(name, res.rollouts));
  return 0;
}
