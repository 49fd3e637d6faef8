/**
 * What the data plane (main thread) and the shadow thread say to each other. The main thread only
 * hands copies over; everything that lives long or costs string work (sending the copy, the
 * candidate's response, decoding, the ring of pairs) lives on the shadow thread's own heap, so its
 * garbage collection never pauses a user's exchange.
 */
import type { Color } from '../spec/types.js';
import type { ShadowPair } from './types.js';

/**
 * Slot of the shared Int32Array both threads see: copies handed over and not settled yet (queued
 * for the shadow thread or in flight). The main thread adds, the shadow thread subtracts.
 */
export const OUTSTANDING = 0;
export const SLOTS = 1;

/** The primary side of a pair, known when the user's response is complete. */
export interface PrimaryMeta {
  color: Color;
  status: number;
  latencyMs: number;
  version: string | undefined;
}

/** One copy to send: its bodies are consecutive ranges of the batch's `bytes`. */
export interface CopyRecord {
  /** The candidate backend picked by the data plane, and its color. */
  url: string;
  color: Color;
  /** The user's request head (latin1, as received) and client address. */
  head: string;
  remote: string;
  time: number;
  requestBytes: number;
  responseBytes: number;
  /** Null when the primary failed: the copy is still sent, but no pair is recorded. */
  primary: PrimaryMeta | null;
}

export interface ShadowThreadData {
  shared: SharedArrayBuffer;
  /** Copies in flight to the candidate at once. */
  maxConcurrent: number;
  timeoutMs: number;
  maxBodyBytes: number;
  /** Pairs kept, and the bytes they may take (the newest win). */
  bufferSize: number;
  bufferBytes: number;
  /** Scheduling priority of the thread (Linux nice, 0..19): shadow yields the CPU to users. */
  nice: number;
}

/** Main thread → shadow thread. */
export type ToShadow =
  | { type: 'copies'; records: CopyRecord[]; bytes: Uint8Array }
  | { type: 'pairs'; id: number; since: number; limit: number }
  | { type: 'subscribe'; on: boolean }
  | { type: 'close' };

/** Per backend URL, the statuses of the copies it answered, in order (passive health). */
export type StatusReport = Record<string, number[]>;

/** Shadow thread → main thread. */
export type FromShadow =
  | {
      type: 'report';
      sent: number;
      dropped: number;
      failed: number;
      compared: number;
      statuses: StatusReport;
    }
  | { type: 'page'; id: number; pairs: ShadowPair[]; nextSeq: number; evicted: number }
  | { type: 'pair'; pair: ShadowPair }
  | { type: 'closed' };
