import { intFlag, parseArgs } from '../args.js';

export const summary = 'the end-to-end demo behind `npm start`: v1 → v2 (validated, switched) → v3 rejected';
export const usage = `greenlight demo [--once] [--port 7070] [--traffic-port 8080] [--rate 20] [--data-dir D]

Builds the example models if missing, starts the control plane with blue = spam-v1, sends live traffic
from the held-out e-mails through the router, applies examples/demo-spam-v2.yaml (spam-v2 through the
whole pipeline: validation against v1, switch, a short observation window), then
examples/demo-spam-v3-regressed.yaml and shows spam-v3-regressed rejected with the active color
untouched. It only applies specs: a rollout that ends otherwise, or waits for an operator, stops the
demo with exit 1. Keeps serving until Ctrl-C.
  --once   exit after both rollouts: 0 when they ended as expected, 1 otherwise
  --rate   users' requests per second (default 20)
Busy default ports are replaced by free ones. State goes to a temporary directory unless --data-dir.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs(
    argv,
    {
      once: { type: 'boolean' },
      port: { type: 'string' },
      'traffic-port': { type: 'string' },
      rate: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    false,
  );
  const { runDemo, REPO_ROOT } = await import('../../control-plane/demo.js');
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await runDemo({
      root: REPO_ROOT,
      once: values.once === true,
      port: values.port === undefined ? undefined : intFlag('port', values.port, 7070),
      trafficPort:
        values['traffic-port'] === undefined
          ? undefined
          : intFlag('traffic-port', values['traffic-port'], 8080, 1),
      ratePerSecond: intFlag('rate', values.rate, 20, 1, 1000),
      dataDir: values['data-dir'],
      signal: stop.signal,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
