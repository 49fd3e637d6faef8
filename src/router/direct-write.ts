import net from 'node:net';
import util from 'node:util';

type WriteGeneric = (
  this: net.Socket,
  writev: boolean,
  data: string,
  encoding: BufferEncoding,
  cb: (err?: Error | null) => void,
) => void;

enum State {
  Writing,
  Written,
  Queued,
}

/** net.Socket's internal write step, below the Writable stream layer (Node 20: lib/net.js). */
const writeGeneric = (net.Socket.prototype as unknown as { _writeGeneric?: WriteGeneric })._writeGeneric;

/** A write request as the stream handle takes it (Node's internal WriteWrap object). */
interface WriteReq {
  handle?: unknown;
  oncomplete?: (status: number) => void;
}

/** The part of Node's `stream_wrap` binding this module uses (Node 20: src/stream_base.cc). */
interface StreamWrapBinding {
  WriteWrap: new () => WriteReq;
  streamBaseState: Int32Array;
  kLastWriteWasAsync: number;
}

interface LatinWriter {
  writeLatin1String(req: WriteReq, data: string): number;
}

function loadBinding(): StreamWrapBinding | undefined {
  try {
    const b = (process as unknown as { binding(name: string): Partial<StreamWrapBinding> }).binding(
      'stream_wrap',
    );
    if (
      typeof b.WriteWrap === 'function' &&
      b.streamBaseState instanceof Int32Array &&
      typeof b.kLastWriteWasAsync === 'number'
    ) {
      return b as StreamWrapBinding;
    }
  } catch {
    // not available in this Node: the _writeGeneric path below
  }
  return undefined;
}

const binding = loadBinding();
/**
 * The request object for the next write. A write the kernel takes whole never reaches Node's C++
 * WriteWrap (one is made from this object only when the write has to wait), so the object is
 * reused until a write waits; then it belongs to that write and a fresh one takes its place.
 */
let spare: WriteReq | undefined = binding ? new binding.WriteWrap() : undefined;

/**
 * Write a latin1 string to a connected socket, skipping the Writable stream layer when nothing is
 * queued in it: the bytes go straight to the handle, as `socket.write` would send them after its
 * bookkeeping (write state, buffering, a nextTick per write for the callback). On the router's
 * hot path that layer was about a tenth of the user CPU per request. Returns true when every byte
 * reached the kernel. Otherwise the rest waits in libuv's queue (which keeps writes in order
 * with later `socket.write` calls, and which `end()` waits for) and `onDrain` runs when it has
 * left, in place of the socket's 'drain' event.
 *
 * Below that, when Node's `stream_wrap` binding is there, the string goes to the handle's
 * `writeLatin1String` with a reused request object, skipping `_writeGeneric`'s request object,
 * callback and result bookkeeping per write (a write the kernel takes whole needs none of them).
 * `_writeGeneric` and the binding are not public APIs: when either is missing, or the stream has
 * anything queued, corked or is not connected, this is `socket.write`, whose 'drain' the caller
 * already handles.
 */
export function writeLatin1(socket: net.Socket, data: string, onDrain: () => void): boolean {
  if (
    writeGeneric === undefined ||
    socket.writableLength !== 0 ||
    socket.writableCorked !== 0 ||
    socket.connecting ||
    socket.destroyed ||
    socket.writableEnded
  ) {
    return socket.write(data, 'latin1');
  }
  const handle = (socket as unknown as { _handle: LatinWriter | null })._handle;
  if (binding !== undefined && spare !== undefined && handle !== null) {
    return handleWrite(binding, socket, handle, spare, data, onDrain);
  }
  let state = State.Writing as State;
  writeGeneric.call(socket, false, data, 'latin1', (err) => {
    if (err) {
      socket.destroy(err);
      return;
    }
    if (state === State.Queued) onDrain();
    else state = State.Written;
  });
  if (state === State.Written) return true;
  state = State.Queued;
  return false;
}

function handleWrite(
  b: StreamWrapBinding,
  socket: net.Socket,
  handle: LatinWriter,
  req: WriteReq,
  data: string,
  onDrain: () => void,
): boolean {
  const err = handle.writeLatin1String(req, data);
  const queued = err === 0 && b.streamBaseState[b.kLastWriteWasAsync] !== 0;
  if (err === 0 && !queued) return true;
  // the request object now belongs to this write (or to its failure): the next write gets another
  spare = new b.WriteWrap();
  if (err !== 0) {
    socket.destroy(writeError(err));
    return false;
  }
  // as Node's own onWriteComplete: called with the request as `this` once the rest has left
  req.handle = handle;
  req.oncomplete = (status: number) => {
    if (status < 0) {
      socket.destroy(writeError(status));
      return;
    }
    if (!socket.destroyed) onDrain();
  };
  return false;
}

/** A failed write as Node reports one (`code`, `errno`, `syscall`), from a libuv error number. */
function writeError(errno: number): Error {
  const code = util.getSystemErrorName(errno);
  return Object.assign(new Error(`write ${code}`), { code, errno, syscall: 'write' });
}
