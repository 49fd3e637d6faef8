import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One event. `event` names what happened (e.g. "phase", "switch", "rollback", "gate"). */
export interface LogEvent {
  event: string;
  level?: LogLevel;
  deployment?: string;
  phase?: string;
  color?: string;
  version?: string;
  requestId?: string;
  /** Anything else worth keeping; must be JSON-serialisable (cycles are replaced, never thrown). */
  [key: string]: unknown;
}

export interface EventLog {
  /** Append one JSON line. Never throws. */
  log(event: LogEvent): void;
  /** Flush and close a file the log opened (a stream passed in is left open). */
  close(): Promise<void>;
}

export interface EventLogOptions {
  /** Milliseconds since the epoch (injected clock). */
  now?: () => number;
  /** Where the one-time "cannot write the log" notice goes. */
  stderr?: Pick<Writable, 'write'>;
}

/**
 * JSON-lines event log (one object per line: time, level, event, then the event's fields) to a
 * file path (appended, directory created) or a stream. A bad path or a failing stream is reported
 * once on stderr and logging becomes a no-op: losing logs must never stop a rollout.
 */
export function createEventLog(target: string | Writable, options: EventLogOptions = {}): EventLog {
  const now = options.now ?? Date.now;
  const stderr = options.stderr ?? process.stderr;
  let broken = false;
  const fail = (err: unknown): void => {
    if (broken) return;
    broken = true;
    const where = typeof target === 'string' ? target : 'the log stream';
    stderr.write(
      `greenlight: cannot write the event log to ${where}: ${(err as Error)?.message ?? err}; events are not logged\n`,
    );
  };
  let stream: Writable;
  const owned = typeof target === 'string';
  if (typeof target === 'string') {
    try {
      mkdirSync(dirname(target), { recursive: true });
    } catch (err) {
      fail(err);
    }
    stream = createWriteStream(target, { flags: 'a' });
  } else {
    stream = target;
  }
  stream.on('error', fail);

  return {
    log(event) {
      if (broken) return;
      try {
        const { event: name, level, ...fields } = event;
        const record = {
          time: new Date(now()).toISOString(),
          level: level ?? 'info',
          event: name,
          ...fields,
        };
        stream.write(`${safeStringify(record)}\n`);
      } catch (err) {
        fail(err);
      }
    },
    close() {
      if (!owned) return Promise.resolve();
      return new Promise((resolve) => {
        if (stream.destroyed || stream.writableFinished) return resolve();
        stream.end(() => resolve());
        stream.once('error', () => resolve());
      });
    },
  };
}

/** JSON.stringify that replaces cycles and BigInts instead of throwing. */
function safeStringify(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Error)
      return { name: v.name, message: v.message, ...('code' in v ? { code: v.code } : {}) };
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[circular]';
      seen.add(v);
    }
    return v;
  });
}
