import { createServer } from 'node:net';

/**
 * A port on 127.0.0.1 that was free a moment ago. Chosen up front (rather than letting the server
 * bind port 0) so the URL can be recorded before the process starts: a control plane killed right
 * after the spawn still knows where its replica listens.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
