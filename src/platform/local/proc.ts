import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux this runs on (USER_HZ). */
const CLOCK_TICKS = 100;

/** True when `pid` names a live process (a zombie counts as dead: it will never answer again). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else; still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = readStat(pid);
  return stat === undefined || stat.state !== 'Z';
}

interface ProcStat {
  state: string;
  /** Process group id. */
  pgrp: number;
  /** utime + stime in clock ticks. */
  cpuTicks: number;
  /** When the process started, in clock ticks after boot: with the pid, a name no other process has. */
  startTicks: number;
}

/** Fields of /proc/<pid>/stat after the command name, which may itself contain spaces or ')'. */
function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // proc(5): state is field 3, pgrp 5, utime 14, stime 15, starttime 22; `rest` starts at field 3.
  return {
    state: rest[0],
    pgrp: Number(rest[2]),
    cpuTicks: Number(rest[11]) + Number(rest[12]),
    startTicks: Number(rest[19]),
  };
}

/** Resident set size in bytes from /proc/<pid>/status (VmRSS), 0 when the process is gone. */
export function readRssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) the process has used so far, 0 when it is gone. */
export function readCpuSeconds(pid: number): number {
  const s = readStat(pid);
  return s ? s.cpuTicks / CLOCK_TICKS : 0;
}

/**
 * The process's start time (clock ticks after boot), undefined when it is gone. A recorded pid
 * with the same start time is the same process: pids are reused, start times with them never.
 */
export function readStartTicks(pid: number): number | undefined {
  return readStat(pid)?.startTicks;
}

/**
 * Every live process in the group `pid` leads: a user's server may fork workers (uvicorn
 * --workers, gunicorn), and they use the slot's memory and CPU as much as the leader does.
 */
export function groupPids(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [pid];
  }
  const members = entries
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((p) => p !== pid && readStat(p)?.pgrp === pid);
  return [pid, ...members];
}

/** The process's command line, or '' when it is gone; used to make sure a recorded pid is still ours. */
export function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** Signal the process group led by `pid` (replicas are spawned detached, so they lead their own). */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Resolve true once `pid` has exited, false at the deadline. Polls: the process may not be our child. */
export async function waitExit(pid: number, deadlineMs: number): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  while (isAlive(pid)) {
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

/**
 * SIGTERM the process group, wait up to `timeoutMs` for a graceful exit (the server drains), then
 * SIGKILL. Resolves once the process is gone.
 */
export async function stopProcess(pid: number, timeoutMs: number): Promise<'exited' | 'killed' | 'absent'> {
  if (!isAlive(pid)) return 'absent';
  signalGroup(pid, 'SIGTERM');
  if (await waitExit(pid, timeoutMs)) return 'exited';
  signalGroup(pid, 'SIGKILL');
  await waitExit(pid, 5_000);
  return 'killed';
}
