import { parseArgs } from '../args.js';

export const summary = 'show deployments, their active color and the rollout in progress';
export const usage = `greenlight status [NAME] [--watch] [--json] [--data-dir D]

Without NAME: one line per deployment. With NAME: active color, versions, router generation,
the current (or last) rollout with every gate result, and pending operator commands.
  --watch   redraw every second until Ctrl-C (with --json: one JSON document per change)
  --json    print the API's JSON
The control plane is found at GREENLIGHT_URL (default http://127.0.0.1:7070).`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, {
    watch: { type: 'boolean' },
    'data-dir': { type: 'string' },
  });
  const { createClient } = await import('../client.js');
  const render = await import('../../control-plane/render.js');
  const client = createClient({ dataDir: values['data-dir'] });
  const name = positionals[0];
  const fetchText = async (): Promise<[unknown, string]> => {
    if (name) {
      const view = await client.get<Parameters<typeof render.renderView>[0]>(
        `/api/deployments/${encodeURIComponent(name)}`,
      );
      return [view, render.renderView(view)];
    }
    const { deployments } = await client.get<{ deployments: Parameters<typeof render.renderList>[0] }>(
      '/api/deployments',
    );
    return [{ deployments }, render.renderList(deployments)];
  };
  if (!values.watch) {
    const [json, text] = await fetchText();
    console.log(values.json ? JSON.stringify(json, null, 2) : text);
    return 0;
  }
  let last = '';
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  while (!stop.signal.aborted) {
    const [json, text] = await fetchText();
    const out = values.json ? JSON.stringify(json) : text;
    if (out !== last) {
      // Plain text redraws in place on a terminal; JSON is appended, one document per change.
      if (!values.json && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
      console.log(out);
      last = out;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  return 0;
}
