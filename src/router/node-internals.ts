import net from 'node:net';

/**
 * Every use of Node's non-public APIs in greenlight goes through this module. Each one is detected
 * once, at load, and is `undefined` when this Node lacks it (or when `GREENLIGHT_NODE_INTERNALS=off`
 * asks for public APIs only); callers then take the public path (`socket.write`, 'data' events),
 * which is slower per request but behaves the same. Checked on Node 20.20 and 24.22: both have all
 * of them.
 */
export interface NodeInternals {
  /** net.Socket's write step below the Writable stream layer (lib/net.js `_writeGeneric`). */
  readonly writeGeneric: WriteGeneric | undefined;
  /** The part of the `stream_wrap` binding that writes a string straight to a stream handle. */
  readonly streamWrap: StreamWrapBinding | undefined;
  /**
   * The symbol under which a net.Socket keeps its `onread` buffer (lib/net.js `kBuffer`). Present
   * when an accepted handle can be re-wrapped in a Socket that reads into a buffer of ours.
   */
  readonly onreadBuffer: symbol | undefined;
  /** Why each missing internal is missing, for `greenlight version` and logs. */
  readonly missing: readonly string[];
}

export type WriteGeneric = (
  this: net.Socket,
  writev: boolean,
  data: string,
  encoding: BufferEncoding,
  cb: (err?: Error | null) => void,
) => void;

/** A write request as the stream handle takes it (Node's internal WriteWrap object). */
export interface WriteReq {
  handle?: unknown;
  oncomplete?: (status: number) => void;
}

/** Node 20/24: src/stream_base.cc. */
export interface StreamWrapBinding {
  WriteWrap: new () => WriteReq;
  streamBaseState: Int32Array;
  kLastWriteWasAsync: number;
}

/** A stream handle's string write (StreamBase::WriteString<LATIN1>). */
export interface LatinWriter {
  writeLatin1String(req: WriteReq, data: string): number;
}

/** Public APIs only: what every caller must behave the same with. */
export const PUBLIC_ONLY: NodeInternals = Object.freeze({
  writeGeneric: undefined,
  streamWrap: undefined,
  onreadBuffer: undefined,
  missing: ['all: public APIs only'],
});

/**
 * Detect what this Node offers. `GREENLIGHT_NODE_INTERNALS=off` in `env` gives PUBLIC_ONLY, for a
 * Node release where an internal still exists but no longer means what it did.
 */
export function detectNodeInternals(env: NodeJS.ProcessEnv = process.env): NodeInternals {
  if (env.GREENLIGHT_NODE_INTERNALS === 'off') return PUBLIC_ONLY;
  const missing: string[] = [];
  const wg = (net.Socket.prototype as unknown as { _writeGeneric?: unknown })._writeGeneric;
  const writeGeneric = typeof wg === 'function' ? (wg as WriteGeneric) : undefined;
  if (!writeGeneric) missing.push('net.Socket.prototype._writeGeneric');
  const streamWrap = loadStreamWrap();
  if (!streamWrap) missing.push("process.binding('stream_wrap')");
  const onreadBuffer = findOnreadSymbol();
  if (!onreadBuffer) missing.push("net.Socket's onread buffer (kBuffer)");
  return Object.freeze({ writeGeneric, streamWrap, onreadBuffer, missing: Object.freeze(missing) });
}

/**
 * `process.binding` is deprecated (DEP0111, a warning under --pending-deprecation today, maybe at
 * runtime in a later Node): the warning is about our call, not the user's code, so it must not
 * reach their stderr. emitWarning checks `noDeprecation` before printing or throwing.
 */
function loadStreamWrap(): StreamWrapBinding | undefined {
  const p = process as unknown as { binding?: (name: string) => Partial<StreamWrapBinding> };
  if (typeof p.binding !== 'function') return undefined;
  const quiet = process.noDeprecation;
  process.noDeprecation = true;
  try {
    const b = p.binding('stream_wrap');
    if (
      typeof b.WriteWrap === 'function' &&
      b.streamBaseState instanceof Int32Array &&
      typeof b.kLastWriteWasAsync === 'number'
    ) {
      return b as StreamWrapBinding;
    }
  } catch {
    // not available in this Node
  } finally {
    process.noDeprecation = quiet;
  }
  return undefined;
}

/** A socket built with `onread` keeps the buffer under a private symbol; no handle, no fd needed. */
function findOnreadSymbol(): symbol | undefined {
  const marker = Buffer.alloc(1);
  try {
    const probe = new net.Socket({
      onread: { buffer: marker, callback: () => true },
    } as net.SocketConstructorOpts);
    const found = Object.getOwnPropertySymbols(probe).find(
      (s) => (probe as unknown as Record<symbol, unknown>)[s] === marker,
    );
    probe.destroy();
    return found;
  } catch {
    return undefined;
  }
}

/** The stream handle under a socket (`_handle`), or null when it has none (or it is not exposed). */
export function handleOf(socket: net.Socket): unknown {
  const h = (socket as unknown as { _handle?: unknown })._handle;
  return h === undefined ? null : h;
}

/** Detach a socket from its handle, once another Socket owns it (as the cluster module does). */
export function releaseHandle(socket: net.Socket): void {
  (socket as unknown as { _handle: unknown })._handle = null;
}

/** True when `socket` reads into the buffer it was given with `onread`. */
export function readsIntoOnreadBuffer(internals: NodeInternals, socket: net.Socket): boolean {
  const sym = internals.onreadBuffer;
  return sym !== undefined && (socket as unknown as Record<symbol, unknown>)[sym] != null;
}

/** What this process detected at load (the env var is read once, at start). */
export const nodeInternals: NodeInternals = detectNodeInternals();
