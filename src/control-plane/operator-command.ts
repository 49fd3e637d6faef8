import { parseArgs } from '../cli/args.js';
import { UsageError } from '../errors.js';

/**
 * promote, rollback and abort are the same shape: record the intent and return (STYLE.md §9).
 * `--wait` follows until the controller has accepted or refused it.
 */
export async function runOperatorCommand(
  kind: 'promote' | 'rollback' | 'abort',
  argv: string[],
): Promise<number> {
  const { values, positionals } = parseArgs(argv, {
    reason: { type: 'string' },
    wait: { type: 'boolean' },
    'data-dir': { type: 'string' },
    ...(kind === 'promote' ? { full: { type: 'boolean' as const } } : {}),
  });
  const name = positionals[0];
  if (!name) throw new UsageError('expects a deployment NAME');
  const { createClient } = await import('../cli/client.js');
  const client = createClient({ dataDir: values['data-dir'] });
  const res = await client.post<{ intent: number; auditSeq: number }>(
    `/api/deployments/${encodeURIComponent(name)}/${kind}`,
    { reason: values.reason ?? '', ...(values.full ? { full: true } : {}) },
  );
  if (!values.wait) {
    console.log(
      values.json
        ? JSON.stringify({ name, kind, intent: res.intent })
        : `${kind} of ${name} requested (intent #${res.intent}); the controller acts on its next pass — see \`greenlight status ${name}\``,
    );
    return 0;
  }
  // Bounded: a controller that is down should not hang a script forever.
  for (let i = 0; i < 120; i++) {
    const { records } = await client.get<{ records: { kind: string; data: Record<string, unknown> }[] }>(
      `/api/audit?deployment=${encodeURIComponent(name)}&since=${res.auditSeq}`,
    );
    const verdict = records.find((r) => r.kind === 'intent' && r.data.intentId === res.intent);
    if (verdict) {
      const accepted = verdict.data.accepted !== false;
      if (values.json)
        console.log(JSON.stringify({ name, kind, intent: res.intent, accepted, why: verdict.data.why }));
      else
        console.log(
          accepted ? `${kind} of ${name} accepted` : `${kind} of ${name} refused: ${verdict.data.why}`,
        );
      return accepted ? 0 : 1;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  console.error(`the controller has not acted on ${kind} #${res.intent} yet; is it running?`);
  return 1;
}

export function operatorUsage(kind: string, what: string, flags = ''): string {
  return `greenlight ${kind} NAME ${flags}[--reason TEXT] [--wait] [--json] [--data-dir D]

${what}
Records the command (with your token's name and the reason) for the controller and returns;
--wait waits until the controller accepted or refused it (exit 1 when refused).
Needs the admin token: GREENLIGHT_ADMIN_TOKEN, or <data-dir>/admin-token written by \`greenlight up\`.`;
}
