/**
 * The shadow thread: a V8 heap and event loop of its own for shadow traffic. The data plane hands
 * over each copy (request head and body, the primary's outcome and body) once its user has been
 * answered; this thread sends it, waits for the candidate, and keeps the ring of pairs. Its
 * garbage collection and its sockets' callbacks therefore never land between two user responses.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { PairRing } from './pair-ring.js';
import { OUTSTANDING, type ShadowThreadData, type ToShadow } from './shadow-protocol.js';
import { ShadowRecorder } from './shadow-recorder.js';

/**
 * Lower this thread's scheduling priority (Linux: a thread is a task with its own nice value), so
 * on a busy machine the data plane's thread always gets the CPU first and copies wait their turn.
 */
function yieldToDataPlane(nice: number): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (tid > 0) setPriority(tid, nice);
  } catch {
    // not Linux, or not allowed: shadow still works, at the data plane's priority
  }
}

function main(data: ShadowThreadData): void {
  const port = parentPort!;
  yieldToDataPlane(data.nice);
  const shared = new Int32Array(data.shared);
  const recorder = new ShadowRecorder(
    { maxConcurrent: data.maxConcurrent, timeoutMs: data.timeoutMs, maxBodyBytes: data.maxBodyBytes },
    new PairRing(data.bufferSize, data.bufferBytes),
    () => Atomics.sub(shared, OUTSTANDING, 1),
    (m) => port.postMessage(m),
  );
  port.on('message', (m: ToShadow) => {
    switch (m.type) {
      case 'copies':
        recorder.accept(m.records, m.bytes);
        break;
      case 'pairs':
        // counts first (messages arrive in order): the page's `dropped` then includes this thread's
        recorder.report();
        port.postMessage({ type: 'page', id: m.id, ...recorder.pairs(m.since, m.limit) });
        break;
      case 'subscribe':
        recorder.subscribed = m.on;
        break;
      case 'close':
        recorder.close();
        port.postMessage({ type: 'closed' });
        break;
    }
  });
}

if (parentPort && workerData) main(workerData as ShadowThreadData);
