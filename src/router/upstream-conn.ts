import net from 'node:net';
import { writeLatin1 } from './direct-write.js';

/** What an upstream connection reports to the exchange currently using it. */
export interface UpstreamHandler {
  /**
   * Bytes read from the upstream. `chunk` is a view of the backend's shared read buffer, valid only
   * until this returns (the next read overwrites it): copy whatever is kept or written later.
   */
  onUpstreamData(chunk: Buffer): void;
  onUpstreamDrain(): void;
  /** The socket failed or closed. `connected` = it had completed the TCP handshake. */
  onUpstreamClose(err: Error | undefined, connected: boolean): void;
}

/**
 * One TCP connection to a backend, reused across requests (keep-alive). Listeners are attached
 * once for the socket's life and dispatch to whichever exchange holds it, so reuse costs no
 * listener churn on the hot path.
 */
export class UpstreamConn {
  readonly socket: net.Socket;
  handler: UpstreamHandler | null = null;
  connected = false;
  /** Requests this connection has carried; > 0 means a failure may be a stale keep-alive race. */
  uses = 0;
  /** When it last went back to the pool (Backend's clock). */
  idleSince = 0;
  private closed = false;
  readonly drained = (): void => this.handler?.onUpstreamDrain();
  private error: Error | undefined;

  /**
   * `readBuffer` receives the socket's reads (shared by every connection of a backend: reads are
   * delivered one at a time, and the handler copies what it keeps before the next). Reading through
   * `onread` skips the Readable-stream machinery and the per-read allocation of the 'data' path.
   */
  constructor(
    host: string,
    port: number,
    private readonly readBuffer: Buffer,
    private readonly onGone: (conn: UpstreamConn) => void,
  ) {
    this.socket = net.connect({
      host,
      port,
      noDelay: true,
      onread: { buffer: readBuffer, callback: (n) => this.onRead(n) },
    });
    this.socket.on('connect', () => {
      this.connected = true;
    });
    this.socket.on('drain', this.drained);
    this.socket.on('end', () => this.socket.end());
    this.socket.on('error', (err) => {
      this.error = err;
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.onGone(this);
      const h = this.handler;
      this.handler = null;
      h?.onUpstreamClose(this.error ?? new Error('upstream closed the connection'), this.connected);
    });
  }

  /** Always true: pausing is explicit (`socket.pause()` on client backpressure). */
  private onRead(n: number): boolean {
    if (!this.handler) {
      // bytes from an idle upstream are a protocol violation: the connection cannot be trusted
      this.destroy();
      return true;
    }
    // a view, not a copy: the handler copies only what outlives the call (see UpstreamHandler)
    this.handler.onUpstreamData(this.readBuffer.subarray(0, n));
    return true;
  }

  get alive(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  write(data: Buffer | string): boolean {
    return typeof data === 'string' ? writeLatin1(this.socket, data, this.drained) : this.socket.write(data);
  }

  destroy(): void {
    this.handler = null;
    this.socket.destroy();
  }
}
