import { intFlag, parseArgs } from '../args.js';
import { listenError } from '../error-line.js';

export const summary = 'run the control plane (controller + API) and the data plane (router, model servers)';
export const usage = `greenlight up [--data-dir D] [--port 7070] [--traffic-port 8080] [--router-admin-port 7071]
              [--admin-token T] [--stop-data-plane]

Opens D/greenlight.db (default ./.greenlight, or GREENLIGHT_DATA_DIR), starts the router as its own
process (or adopts the one a previous run left serving), runs the controller and serves the API on
--port. Users' traffic goes to --traffic-port.
  --admin-token T      token for mutating API calls (else GREENLIGHT_ADMIN_TOKEN, GREENLIGHT_ADMIN_TOKENS
                       "name:tok,...", else D/admin-token, generated on first run with mode 0600)
  --stop-data-plane    on Ctrl-C/SIGTERM also stop the router and every model server; by default they
                       keep serving users and the next \`greenlight up\` adopts them`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs(
    argv,
    {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      'traffic-port': { type: 'string' },
      'router-admin-port': { type: 'string' },
      'admin-token': { type: 'string' },
      'stop-data-plane': { type: 'boolean' },
    },
    false,
  );
  // Signals are caught before anything starts: a SIGTERM that arrives while the control plane is
  // still starting must still stop it cleanly (and, with --stop-data-plane, what it started),
  // never kill the process halfway with the default handler.
  let stopSignal: string | undefined;
  let wake: (() => void) | undefined;
  // A repeated signal does not cut the shutdown short (as `greenlight serve`'s drain): stopping
  // the data plane halfway would leave orphans; `greenlight down` or SIGKILL are the hard stops.
  const onSignal = (sig: string) => {
    if (stopSignal !== undefined) console.log(`${sig}: already stopping`);
    stopSignal ??= sig;
    wake?.();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  const { resolveDataDir } = await import('../../store/data-dir.js');
  const { startLocalControlPlane } = await import('../../control-plane/local.js');
  const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
  const ports = {
    port: intFlag('port', values.port, 7070),
    trafficPort: intFlag('traffic-port', values['traffic-port'], 8080, 1),
    routerAdminPort: intFlag('router-admin-port', values['router-admin-port'], 7071, 1),
  };
  const cp = await startLocalControlPlane({
    dataDir: resolveDataDir(values['data-dir']),
    ...ports,
    adminToken: values['admin-token'],
    log,
  }).catch((err: unknown) => {
    // the router's ports are the router's to name (its one line ends up in the error's message)
    throw listenError(err, { [ports.port]: 'port' });
  });
  if (cp.tokens.generatedFile)
    log(`admin token written to ${cp.tokens.generatedFile} (the CLI reads it from there)`);
  log(`control plane on ${cp.url} (API: ${cp.url}/api/deployments); users' traffic on ${cp.trafficUrl}`);
  log(`dashboard on ${cp.url}/ (its buttons need the admin token)`);
  log('apply a spec with `greenlight deploy SPEC.yaml`; watch with `greenlight status --watch`');
  if (stopSignal === undefined) {
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  log(`${stopSignal}: stopping the control plane`);
  const stopDataPlane = values['stop-data-plane'] === true;
  await cp.close({ stopDataPlane });
  log(
    stopDataPlane
      ? 'control plane and data plane stopped'
      : `control plane stopped; the data plane keeps serving users on ${cp.trafficUrl} (router pid ${cp.dataPlane.pid}); the next \`greenlight up\` adopts it`,
  );
  return 0;
}
