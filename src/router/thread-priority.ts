import { readlinkSync } from 'node:fs';
import os from 'node:os';

/**
 * Best effort: set the nice value of the calling thread (not the whole process; on Linux nice is
 * per thread, and /proc/thread-self names the thread). Going below 0 needs CAP_SYS_NICE or an
 * RLIMIT_NICE allowance. Returns undefined when applied, otherwise why not (never throws: a thread
 * that keeps its default priority still works, it only waits longer for a CPU when the host is busy).
 */
export function setThreadNice(nice: number): string | undefined {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return 'no thread id (/proc/thread-self)';
    os.setPriority(tid, nice);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
