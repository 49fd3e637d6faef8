import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type ControlPlaneClient, createClient } from '../cli/client.js';
import { freePort } from '../platform/local/free-port.js';
import { GREENLIGHT_BIN } from '../platform/local/local-platform.js';
import { type FollowResult, followRollout } from './follow.js';
import { type LocalControlPlane, startLocalControlPlane } from './local.js';
import { readSampleTexts, startTraffic, type Traffic, type TrafficStats } from './traffic.js';

export interface DemoOptions {
  /** Repository root: models/ and examples/ live there. */
  root: string;
  /** Exit after both rollouts instead of serving until Ctrl-C. */
  once: boolean;
  port?: number;
  trafficPort?: number;
  routerAdminPort?: number;
  /** Default: a new temporary directory, removed at the end. */
  dataDir?: string;
  ratePerSecond?: number;
  /** Give up on a rollout after this long. */
  rolloutTimeoutMs?: number;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** The repository the running greenlight comes from (models/ and examples/ are there). */
export const REPO_ROOT = dirname(dirname(GREENLIGHT_BIN));

/**
 * The specs the demo applies, in order (under examples/). Their validation settings are chosen so
 * the outcome does not hang on chance or on how busy the machine is; see the comments in them.
 */
export const DEMO_SPECS = {
  v2: 'demo-spam-v2.yaml',
  v3Regressed: 'demo-spam-v3-regressed.yaml',
} as const;

const MODEL_FILES = [
  'spam-v1.onnx',
  'spam-v2.onnx',
  'spam-v3-regressed.onnx',
  'spam-v2.card.yaml',
  'samples.jsonl',
];

/** Build the example models into models/ when any is missing (deterministic, so an existing set is reused). */
async function ensureModels(root: string, log: (l: string) => void): Promise<void> {
  const dir = join(root, 'models');
  if (MODEL_FILES.every((f) => existsSync(join(dir, f)))) return;
  log('building the example models into models/ (first run only; about a minute)…');
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [GREENLIGHT_BIN, 'models', 'build', '--out', dir], {
      stdio: 'inherit',
    });
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`greenlight models build exited with ${code}`);
}

/** The preferred port when it is free, else any free one (a second demo must not fail on 7070). */
async function portOr(preferred: number): Promise<number> {
  const { createServer } = await import('node:net');
  const free = await new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(preferred, '127.0.0.1', () => s.close(() => resolve(true)));
  });
  return free ? preferred : freePort();
}

function versions(s: TrafficStats): string {
  return Object.entries(s.byVersion)
    .map(([v, n]) => `${v}: ${n}`)
    .join(', ');
}

function diff(after: TrafficStats, before: TrafficStats): TrafficStats {
  const byVersion: Record<string, number> = {};
  for (const [v, n] of Object.entries(after.byVersion)) {
    const d = n - (before.byVersion[v] ?? 0);
    if (d > 0) byVersion[v] = d;
  }
  return {
    ...after,
    sent: after.sent - before.sent,
    ok: after.ok - before.ok,
    failed: after.failed - before.failed,
    byVersion,
  };
}

interface DemoRun {
  cp: LocalControlPlane;
  client: ControlPlaneClient;
  token: string;
  log: (l: string) => void;
  o: DemoOptions;
  texts: string[];
  traffic?: Traffic;
}

async function startDemoControlPlane(o: DemoOptions, dataDir: string, log: (l: string) => void) {
  return startLocalControlPlane({
    dataDir,
    port: o.port ?? (await portOr(7070)),
    trafficPort: o.trafficPort ?? (await portOr(8080)),
    routerAdminPort: o.routerAdminPort ?? (await freePort()),
    env: { ...process.env, GREENLIGHT_ADMIN_TOKENS: '', GREENLIGHT_ADMIN_TOKEN: '' },
    // The controller's info lines repeat what the progress display shows; keep the rest.
    log: (l) => {
      if (!l.startsWith('info ')) log(`  [control plane] ${l}`);
    },
  });
}

/**
 * A phase in which the controller waits for a person (an inconclusive validation, or a spec without
 * auto-switch). The demo acts only as a user applying specs, so reaching one ends its follow: it
 * reports the phase and exits non-zero rather than deciding for the operator.
 */
const WAITS_FOR_OPERATOR = 'AwaitingPromotion';

/** Apply one example spec and follow it; users' traffic starts as soon as a color is active. */
async function apply(run: DemoRun, file: string, expected: string): Promise<FollowResult> {
  const { cp, client, log, o } = run;
  const path = join(o.root, 'examples', file);
  const before = await client
    .get<{ rollout: { id: number } | null }>('/api/deployments/spam-classifier')
    .catch(() => ({ rollout: null }));
  const applied = await client.post<{ intent: number; auditSeq: number }>('/api/deployments', {
    spec: readFileSync(path, 'utf8'),
    baseDir: dirname(path),
    reason: 'greenlight demo',
  });
  log(`» greenlight deploy examples/${file}   (expect: ${expected})`);
  const startTrafficOnceActive = (async () => {
    for (let i = 0; !run.traffic && i < 2_400 && !o.signal?.aborted; i++) {
      if (cp.store.getDeployment('spam-classifier')?.activeColor) {
        const rate = o.ratePerSecond ?? 20;
        log(`» users' traffic starts: ${rate} requests/s of held-out e-mails through ${cp.trafficUrl}`);
        run.traffic = startTraffic({ url: cp.trafficUrl, texts: run.texts, ratePerSecond: rate });
      } else await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const stopFollowing = new AbortController();
  const onAbort = () => stopFollowing.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let waiting: FollowResult | undefined;
  const result = await followRollout(client, {
    name: 'spam-classifier',
    intentId: applied.intent,
    sinceSeq: applied.auditSeq,
    previousRolloutId: before.rollout?.id ?? 0,
    json: false,
    out: (l) => log(`  ${l}`),
    timeoutMs: o.rolloutTimeoutMs ?? 600_000,
    signal: stopFollowing.signal,
    onView: (v) => {
      if (v.rollout?.phase !== WAITS_FOR_OPERATOR) return;
      waiting = { outcome: v.rollout.phase, reason: v.rollout.reason, rolloutId: v.rollout.id };
      stopFollowing.abort();
    },
  }).finally(() => o.signal?.removeEventListener('abort', onAbort));
  await startTrafficOnceActive;
  const ended = waiting ?? result;
  const how = waiting ? 'stopped, waiting for an operator,' : 'ended';
  log(`» rollout #${ended.rolloutId} ${how} ${ended.outcome}${ended.reason ? `: ${ended.reason}` : ''}`);
  return ended;
}

async function playRollouts(run: DemoRun): Promise<boolean> {
  const { cp, client, log } = run;
  const first = await apply(run, DEMO_SPECS.v2, 'v2 validated against v1, switched, observed, Complete');
  const mid = run.traffic?.stats() ?? emptyStats();
  log(`  users so far: ${mid.ok} answered (${versions(mid)}), ${mid.failed} failed`);
  if (first.outcome !== 'Complete') {
    log(`✘ the spam-v2 rollout ended ${first.outcome}, so the demo does not go on to spam-v3-regressed`);
    log(`  see why: GREENLIGHT_URL=${cp.url} greenlight history spam-classifier`);
    return false;
  }
  const second = await apply(
    run,
    DEMO_SPECS.v3Regressed,
    'v3-regressed rejected by validation, v2 keeps serving',
  );
  const d = cp.store.getDeployment('spam-classifier');
  const end = run.traffic?.stats() ?? mid;
  const during = diff(end, mid);
  const active = d?.activeColor ?? null;
  const ok =
    second.outcome === 'ValidationFailed' &&
    active !== null &&
    d?.versions[active] === 'v2' &&
    !('v3-regressed' in during.byVersion);
  log('');
  log(ok ? '✔ both rollouts ended as expected' : '✘ the rollouts did not end as expected');
  log(
    `  spam-v2: ${first.outcome};  spam-v3-regressed: ${second.outcome}${second.reason ? ` (${second.reason})` : ''}`,
  );
  log(`  active color: ${active} serving ${active ? d?.versions[active] : '-'}`);
  const failures = end.failed ? ` (${end.failures.slice(-3).join('; ')})` : '';
  log(`  users' requests: ${end.ok} answered (${versions(end)}), ${end.failed} failed${failures}`);
  log(`  while v3-regressed was validated users got: ${versions(during) || 'nothing'}`);
  log(`  audit chain: ${JSON.stringify(await client.get('/api/audit/verify'))}`);
  return ok;
}

function emptyStats(): TrafficStats {
  return { sent: 0, ok: 0, failed: 0, byVersion: {}, byColor: {}, failures: [], byFailure: {} };
}

/**
 * `npm start`: blue = spam-v1 with live traffic from the held-out e-mails, then spam-v2 through the
 * whole pipeline (shadow validation on that traffic, switch, observation), then spam-v3-regressed,
 * which validation must reject while v2 keeps serving. The windows come from the example specs.
 */
export async function runDemo(o: DemoOptions): Promise<number> {
  const log = o.log ?? ((l: string) => console.log(l));
  await ensureModels(o.root, log);
  const tempDir = o.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'greenlight-demo-'));
  const removeTemp = () => tempDir && rmSync(tempDir, { recursive: true, force: true });
  let cp: LocalControlPlane;
  try {
    cp = await startDemoControlPlane(o, o.dataDir ?? tempDir!, log);
  } catch (err) {
    removeTemp();
    throw err;
  }
  const token = cp.tokens.byName.get('admin')!;
  const run: DemoRun = {
    cp,
    client: createClient({ url: cp.url, token }),
    token,
    log,
    o,
    texts: readSampleTexts(join(o.root, 'models', 'samples.jsonl')),
  };
  try {
    log('');
    log(`greenlight demo — control plane ${cp.url}, users' traffic ${cp.trafficUrl}`);
    log(`  dashboard: open ${cp.url}/ in a browser (admin token for its buttons: ${token})`);
    log(
      `  in another terminal:  GREENLIGHT_URL=${cp.url} GREENLIGHT_ADMIN_TOKEN=${token} npx greenlight status spam-classifier --watch`,
    );
    log(`  API: ${cp.url}/api/deployments   audit: ${cp.url}/api/audit   metrics: ${cp.url}/metrics`);
    log('');
    const ok = await playRollouts(run);
    if (!o.once) {
      log('');
      log(`still serving users on ${cp.trafficUrl}; Ctrl-C stops everything the demo started`);
      await new Promise<void>((resolve) => {
        if (o.signal?.aborted) return resolve();
        o.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    return ok ? 0 : 1;
  } finally {
    log('stopping the demo (traffic, control plane, router, model servers)…');
    await run.traffic?.stop();
    await cp.close({ stopDataPlane: true });
    removeTemp();
  }
}
