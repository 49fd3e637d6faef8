import type { EventLog, LogLevel } from './event-log.js';

/** The controller's Logger shape (src/controller/deps.ts), declared here so logging does not import the controller. */
export interface LoggerLike {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * A Logger for the controller's deps that writes each call as one event-log line: the message is
 * the `event`, the fields are kept (`deployment`, `phase`, `color`, `version`, `requestId` when the
 * caller gives them). `also` receives every call too (e.g. the console logger).
 */
export function eventLogger(log: EventLog, also?: LoggerLike): LoggerLike {
  const write =
    (level: LogLevel) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      // A caller's own `event` field (the controller's transition event) is kept as `trigger`.
      const { event, ...rest } = fields;
      log.log({ ...rest, ...(event !== undefined ? { trigger: event } : {}), event: msg, level });
      also?.[level === 'debug' ? 'info' : level](msg, fields);
    };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
