import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { startAdminServer } from './admin-server.js';
import { createRouter } from './router.js';
import { setThreadNice } from './thread-priority.js';

/** Nice values of this process's threads (field 19 of /proc/self/task/TID/stat). */
function threadNices(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe.skipIf(process.platform !== 'linux')('thread priority', () => {
  it('sets the nice value of the calling thread only', async () => {
    // the suite itself may run niced (`nice npx vitest`): the main thread keeps what it had
    const own = os.getPriority();
    const mod = new URL('../../dist/src/router/thread-priority.js', import.meta.url).href;
    const w = new Worker(
      `import('${mod}').then((m) => {
        const error = m.setThreadNice(7);
        const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
        require('node:worker_threads').parentPort.postMessage({ error, nice: require('node:os').getPriority(tid) });
      });`,
      { eval: true },
    );
    const r = await new Promise<{ error?: string; nice: number }>((resolve) => w.once('message', resolve));
    await w.terminate();
    expect(r).toEqual({ error: undefined, nice: 7 });
    expect(os.getPriority()).toBe(own);
  });

  it('reports instead of throwing when the value cannot be applied', () => {
    expect(typeof setThreadNice(Number.NaN)).toBe('string');
  });

  it('gives the admin thread the nice value asked for, and only that thread', async () => {
    const router = await createRouter({ blue: [], green: [], healthCheck: { intervalMs: 0 } });
    const before = threadNices().filter((n) => n === 6).length;
    const admin = await startAdminServer(router, { token: 't', nice: 6 });
    try {
      expect(admin.priorityError).toBeUndefined();
      expect(threadNices().filter((n) => n === 6).length).toBe(before + 1);
    } finally {
      await admin.close();
      await router.close(100);
    }
  });
});
