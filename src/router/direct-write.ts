import type net from 'node:net';
import util from 'node:util';
import {
  handleOf,
  type LatinWriter,
  type NodeInternals,
  nodeInternals,
  type StreamWrapBinding,
  type WriteReq,
} from './node-internals.js';

enum State {
  Writing,
  Written,
  Queued,
}

/**
 * Write a latin1 string to a connected socket; true when every byte reached the kernel, else
 * `onDrain` runs once the rest has left (or the socket's 'drain' fires, on the public path).
 */
export type Latin1Writer = (socket: net.Socket, data: string, onDrain: () => void) => boolean;

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
 * `_writeGeneric` and the binding are not public APIs (see node-internals.ts): when either is
 * missing, or the stream has anything queued, corked or is not connected, this is `socket.write`,
 * whose 'drain' the caller already handles.
 */
export function createLatin1Writer(internals: NodeInternals): Latin1Writer {
  const { writeGeneric, streamWrap } = internals;
  /**
   * The request object for the next write. A write the kernel takes whole never reaches Node's C++
   * WriteWrap (one is made from this object only when the write has to wait), so the object is
   * reused until a write waits; then it belongs to that write and a fresh one takes its place.
   */
  let spare: WriteReq | undefined = streamWrap ? new streamWrap.WriteWrap() : undefined;

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

  return (socket, data, onDrain) => {
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
    const handle = handleOf(socket) as LatinWriter | null;
    if (streamWrap !== undefined && spare !== undefined && handle !== null) {
      return handleWrite(streamWrap, socket, handle, spare, data, onDrain);
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
  };
}

/** writeLatin1 with what this Node offers (see node-internals.ts). */
export const writeLatin1: Latin1Writer = createLatin1Writer(nodeInternals);

/** A failed write as Node reports one (`code`, `errno`, `syscall`), from a libuv error number. */
function writeError(errno: number): Error {
  const code = util.getSystemErrorName(errno);
  return Object.assign(new Error(`write ${code}`), { code, errno, syscall: 'write' });
}
