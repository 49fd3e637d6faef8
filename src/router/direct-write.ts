import net from 'node:net';

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

/**
 * Write a latin1 string to a connected socket, skipping the Writable stream layer when nothing is
 * queued in it: the bytes go straight to the handle, as `socket.write` would send them after its
 * bookkeeping (write state, buffering, a nextTick per write for the callback). On the router's
 * hot path that layer was about a tenth of the user CPU per request. Returns true when every byte
 * reached the kernel. Otherwise the rest waits in libuv's queue (which keeps writes in order
 * with later `socket.write` calls, and which `end()` waits for) and `onDrain` runs when it has
 * left, in place of the socket's 'drain' event.
 *
 * `_writeGeneric` is not a public API: when it is missing, or the stream has anything queued,
 * corked or is not connected, this is `socket.write`, whose 'drain' the caller already handles.
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
