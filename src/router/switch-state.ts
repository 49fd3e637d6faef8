import type { Color } from '../spec/types.js';
import type { SwitchResult } from './types.js';

enum Slot {
  /** generation * 2 + (1 if green is active): one atomic word, so color and generation never tear. */
  Packed,
  Previous,
  Lock,
  /** Bit 0: blue has a backend proven healthy; bit 1: green. */
  Servable,
  Rollbacks,
}

const bit = (c: Color) => (c === 'blue' ? 1 : 2);

/**
 * The switch state in shared memory, so the admin API can run on its own thread and a switch never
 * waits for a busy data-plane event loop. Writers (a switch on either thread) take a spin lock for
 * the few instructions of the commit; the data plane reads one word per request with Atomics.load,
 * which is sequentially consistent: once `commit` has returned on any thread, every later load on
 * every thread sees the new color.
 */
export class SwitchState {
  readonly buffer: SharedArrayBuffer;
  private readonly words: Int32Array;
  private readonly times: Float64Array;

  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer(64);
    this.words = new Int32Array(this.buffer, 0, 8);
    this.times = new Float64Array(this.buffer, 32, 1);
  }

  /** Set the starting point (before any traffic). */
  init(active: Color, generation: number, switchedAt: number): void {
    Atomics.store(this.words, Slot.Packed, generation * 2 + (active === 'green' ? 1 : 0));
    Atomics.store(this.words, Slot.Previous, active === 'blue' ? 1 : 0);
    this.times[0] = switchedAt;
  }

  /** The packed word: read once per request, then decode with colorOf / generationOf. */
  packed(): number {
    return Atomics.load(this.words, Slot.Packed);
  }

  get active(): Color {
    return colorOf(this.packed());
  }

  get generation(): number {
    return generationOf(this.packed());
  }

  get previous(): Color {
    return Atomics.load(this.words, Slot.Previous) === 1 ? 'green' : 'blue';
  }

  get switchedAt(): number {
    return this.times[0];
  }

  get rollbacks(): number {
    return Atomics.load(this.words, Slot.Rollbacks);
  }

  /** Whether `color` has a backend that passed a check or served a request (kept by the data plane). */
  servable(color: Color): boolean {
    return (Atomics.load(this.words, Slot.Servable) & bit(color)) !== 0;
  }

  setServable(color: Color, yes: boolean): void {
    if (yes) Atomics.or(this.words, Slot.Servable, bit(color));
    else Atomics.and(this.words, Slot.Servable, ~bit(color));
  }

  /** Make `to` active and bump the generation; a rollback also bumps the rollback count. */
  commit(to: Color, now: number, isRollback: boolean): SwitchResult {
    const w = this.words;
    while (Atomics.compareExchange(w, Slot.Lock, 0, 1) !== 0) {
      // the other thread holds the lock for a few instructions
    }
    try {
      const packed = Atomics.load(w, Slot.Packed);
      const current = colorOf(packed);
      if (isRollback) Atomics.add(w, Slot.Rollbacks, 1);
      if (to !== current) Atomics.store(w, Slot.Previous, current === 'green' ? 1 : 0);
      const generation = generationOf(packed) + 1;
      this.times[0] = now;
      // the packed word is written last: it is what makes the switch visible to the data plane
      Atomics.store(w, Slot.Packed, generation * 2 + (to === 'green' ? 1 : 0));
      return { active: to, previous: this.previous, generation, switchedAt: now };
    } finally {
      Atomics.store(w, Slot.Lock, 0);
    }
  }
}

export function colorOf(packed: number): Color {
  return (packed & 1) === 1 ? 'green' : 'blue';
}

export function generationOf(packed: number): number {
  return packed >>> 1;
}
