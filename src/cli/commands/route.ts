import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { intFlag, parseArgs } from '../args.js';
import { listenError } from '../error-line.js';

export const summary = 'run the traffic router (data plane + admin API)';
export const usage = `greenlight route --blue URL[,URL…] --green URL[,URL…] --port N --admin-port M [options]

Forwards every request to the active color; the admin API (bearer token) switches, rolls back,
sets weights, shadow traffic and backends.

  --blue URLS             blue backends, comma-separated http:// URLs
  --green URLS            green backends (may be empty: --green "")
  --port N                data-plane port (users' traffic)
  --admin-port M          admin API port
  --admin-token T         admin bearer token (or GREENLIGHT_ADMIN_TOKEN); required
  --admin-nice N          nice value (-20..19) of the admin API thread, best effort (default: unchanged)
  --active blue|green     color active at start (default blue)
  --generation N          switch generation to continue from (default 0)
  --host H                listen address for both ports (default 127.0.0.1)
  --health-interval MS    active health check period, 0 = off (default 1000)
  --health-path PATH      health check path (default /ready)
  --blue-health-path P    blue's health check path (default --health-path); also PUT /backends healthPath
  --green-health-path P   green's health check path (default --health-path)
  --sticky-ttl MS         sticky sessions by x-greenlight-session / greenlight-session cookie (default off)
  --max-body BYTES        request body limit, 413 beyond (default 10485760)
  --upstream-timeout MS   504 after this long without an upstream byte (default 30000)
  --upstream-idle MS      close a pooled upstream connection idle this long instead of reusing it;
                          keep it below the backends' keep-alive timeout (default 4000)
  --request-log PATH      write one JSON line per request to PATH, off the request path (default off);
                          lines a slow or full disk cannot take are dropped and counted
  --request-log-sample R  fraction of requests logged, 0..1 (default 1)
  --request-log-max-bytes N  rotate at N bytes: PATH.1 … (default 67108864)
  --request-log-keep N    rotated files kept (default 5)`;

function urls(value: string | undefined, name: string): string[] {
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u.length > 0);
}

function requestLogFlags(values: Record<string, string | boolean | undefined>) {
  const path = values['request-log'] as string | undefined;
  const sample = values['request-log-sample'] as string | undefined;
  if (path === undefined || path === '') {
    if (sample !== undefined) throw new UsageError('--request-log-sample needs --request-log PATH');
    return undefined;
  }
  const sampleRate = sample === undefined ? 1 : Number(sample);
  if (sample === '' || !(sampleRate >= 0 && sampleRate <= 1))
    throw new UsageError(`--request-log-sample expects a number from 0 to 1, got ${JSON.stringify(sample)}`);
  const big = Number.MAX_SAFE_INTEGER;
  return {
    path: resolve(path),
    sampleRate,
    maxBytes: intFlag(
      'request-log-max-bytes',
      values['request-log-max-bytes'] as string,
      64 * 1024 * 1024,
      4096,
      big,
    ),
    keep: intFlag('request-log-keep', values['request-log-keep'] as string, 5, 0, 100),
  };
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs(
    argv,
    {
      blue: { type: 'string' },
      green: { type: 'string' },
      port: { type: 'string' },
      'admin-port': { type: 'string' },
      'admin-token': { type: 'string' },
      'admin-nice': { type: 'string' },
      active: { type: 'string' },
      generation: { type: 'string' },
      host: { type: 'string' },
      'health-interval': { type: 'string' },
      'health-path': { type: 'string' },
      'blue-health-path': { type: 'string' },
      'green-health-path': { type: 'string' },
      'sticky-ttl': { type: 'string' },
      'max-body': { type: 'string' },
      'upstream-timeout': { type: 'string' },
      'upstream-idle': { type: 'string' },
      'request-log': { type: 'string' },
      'request-log-sample': { type: 'string' },
      'request-log-max-bytes': { type: 'string' },
      'request-log-keep': { type: 'string' },
    },
    false,
  );
  const token = values['admin-token'] ?? process.env.GREENLIGHT_ADMIN_TOKEN;
  if (!token)
    throw new UsageError('the admin API needs a token: pass --admin-token or set GREENLIGHT_ADMIN_TOKEN');
  if (values.port === undefined) throw new UsageError('--port is required');
  if (values['admin-port'] === undefined) throw new UsageError('--admin-port is required');
  // every flag is checked before anything listens: a bad one must not leave a router running
  const adminPort = intFlag('admin-port', values['admin-port'], 0);
  const adminNice =
    values['admin-nice'] === undefined ? undefined : intFlag('admin-nice', values['admin-nice'], 0, -20, 19);
  const active = values.active ?? 'blue';
  if (active !== 'blue' && active !== 'green')
    throw new UsageError(`--active expects blue or green, got "${active}"`);
  const big = Number.MAX_SAFE_INTEGER;
  const requestLog = requestLogFlags(values);
  const { createRouter } = await import('../../router/router.js');
  const { startAdminServer } = await import('../../router/admin-server.js');
  const host = values.host ?? '127.0.0.1';
  const port = intFlag('port', values.port, 0);
  const ports = { [port]: 'port', [adminPort]: 'admin-port' };
  const router = await createRouter({
    blue: urls(values.blue, 'blue'),
    green: urls(values.green, 'green'),
    port,
    host,
    active,
    generation: intFlag('generation', values.generation, 0, 0, big),
    healthCheck: {
      intervalMs: intFlag('health-interval', values['health-interval'], 1000, 0, big),
      path: values['health-path'] ?? '/ready',
    },
    healthPaths: { blue: values['blue-health-path'], green: values['green-health-path'] },
    stickyTtlMs: intFlag('sticky-ttl', values['sticky-ttl'], 0, 0, big),
    upstreamIdleMs: intFlag('upstream-idle', values['upstream-idle'], 4000, 1, big),
    ...(requestLog ? { requestLog } : {}),
    limits: {
      maxBodyBytes: intFlag('max-body', values['max-body'], 10 * 1024 * 1024, 0, big),
      upstreamTimeoutMs: intFlag('upstream-timeout', values['upstream-timeout'], 30_000, 1, big),
    },
  }).catch((err: unknown) => {
    throw listenError(err, ports);
  });
  const admin = await startAdminServer(router, { port: adminPort, host, token, nice: adminNice }).catch(
    async (err: unknown) => {
      await router.close(0); // e.g. the admin port is taken: stop the data plane too, then report
      throw listenError(err, ports);
    },
  );
  if (admin.priorityError) console.error(`admin thread priority left unchanged: ${admin.priorityError}`);
  const state = await router.state();
  console.log(`listening on ${router.url}`);
  console.log(`admin on ${admin.url}`);
  if (values.json)
    console.log(JSON.stringify({ url: router.url, adminUrl: admin.url, active: state.active }));
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await admin.close();
  await router.close(10_000);
  return 0;
}
