import { GreenlightError } from '../errors.js';

/**
 * The one line a command prints when it ends on an error: the message (its lines joined: a stack
 * or a source excerpt says nothing to a user) and a stable code scripts can match on: the error's
 * own `code` (GL_… or a system one such as EADDRINUSE), else GL_INTERNAL.
 */
export function errorLine(err: unknown): { message: string; code: string } {
  const e = err instanceof Error ? err : new Error(String(err));
  const own = (e as { code?: unknown }).code;
  const code = typeof own === 'string' && /^[A-Z][A-Z0-9_]*$/.test(own) ? own : 'GL_INTERNAL';
  const message = e.message.trim() === '' ? e.name : e.message.trim();
  return { message: message.replace(/\s*\n\s*/g, ' | '), code };
}

/** The parts of a failed listen that Node reports (net.Server 'error'). */
interface ListenFailure {
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
}

/**
 * A port the command could not listen on, named by its flag: `--port 8000: 127.0.0.1:8000 is
 * already in use`. `flags` maps each port the command listens on to the flag that set it.
 * Anything else is returned as it was.
 */
export function listenError(err: unknown, flags: Record<number, string>): unknown {
  const isListen = (e: unknown): e is ListenFailure =>
    (e as ListenFailure)?.syscall === 'listen' && typeof (e as ListenFailure).port === 'number';
  // the failure itself, or the one a module wrapped in an error of its own
  const cause = (err as { cause?: unknown })?.cause;
  const f = isListen(err) ? err : isListen(cause) ? cause : undefined;
  if (f === undefined || typeof f.port !== 'number') return err;
  const flag = flags[f.port] === undefined ? '' : `--${flags[f.port]} ${f.port}: `;
  const where = `${f.address ?? ''}:${f.port}`;
  const why: Record<string, [string, string]> = {
    EADDRINUSE: ['GL_PORT_IN_USE', `${where} is already in use (another process listens there)`],
    EACCES: ['GL_PORT_DENIED', `not permitted to listen on ${where}`],
    EADDRNOTAVAIL: ['GL_ADDRESS_UNAVAILABLE', `${f.address} is not an address of this machine`],
  };
  const [code, message] = why[f.code ?? ''] ?? ['GL_LISTEN', `cannot listen on ${where}: ${f.code}`];
  return new GreenlightError(code, `${flag}${message}`, { cause: err });
}
