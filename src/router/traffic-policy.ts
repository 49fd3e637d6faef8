import { type Color, otherColor } from '../spec/types.js';
import type { StickySessions } from './sticky-sessions.js';
import { colorOf, generationOf, type SwitchState } from './switch-state.js';
import type { SwitchResult } from './types.js';

/**
 * Which color a request goes to. The decision is made per request at dispatch time from one
 * atomic read of the switch state (color and generation packed in one word), so once a switch has
 * returned — on this thread or the admin thread — every request dispatched afterwards, including
 * one on a keep-alive connection opened before, sees the new color. There is no per-connection
 * state to go stale.
 */
export class TrafficPolicy {
  /** Generation of the last request routed (read by the data plane right after `choose`). */
  lastGeneration = 0;
  private currentWeights: Record<Color, number> | null = null;
  private seenGeneration: number;
  private seenRollbacks: number;

  constructor(
    readonly state: SwitchState,
    private readonly random: () => number,
    readonly sticky: StickySessions | null,
  ) {
    this.seenGeneration = state.generation;
    this.seenRollbacks = state.rollbacks;
  }

  get active(): Color {
    return this.state.active;
  }

  get previous(): Color {
    return this.state.previous;
  }

  get generation(): number {
    return this.state.generation;
  }

  get switchedAt(): number {
    return this.state.switchedAt;
  }

  get weights(): Record<Color, number> | null {
    this.sync(this.state.generation);
    return this.currentWeights;
  }

  /**
   * Pins survive a change of weights (a staged rollout keeps each user on one color from step to
   * step) but not the end of the split without a switch: weights cleared while the active color
   * stays is a staged rollout rolled back, and its users leave the other color with it.
   */
  set weights(w: Record<Color, number> | null) {
    this.sync(this.state.generation);
    if (w === null && this.currentWeights !== null) this.sticky?.dropColor(otherColor(this.state.active));
    this.currentWeights = w;
  }

  /**
   * The color for one request. `usable(color)` says whether a color can take traffic; a sticky pin
   * to an unusable color is dropped rather than blacking the session out.
   */
  choose(sessionId: string | undefined, now: number, usable: (c: Color) => boolean): Color {
    const packed = this.state.packed();
    const generation = generationOf(packed);
    if (generation !== this.seenGeneration) this.sync(generation);
    this.lastGeneration = generation;
    const active = colorOf(packed);
    if (sessionId !== undefined && this.sticky) {
      const pinned = this.sticky.lookup(sessionId, now);
      if (pinned !== undefined && usable(pinned)) return pinned;
      const color = this.unpinned(active);
      this.sticky.pin(sessionId, color, now);
      return color;
    }
    return this.unpinned(active);
  }

  private unpinned(active: Color): Color {
    const w = this.currentWeights;
    if (w === null) return active;
    const total = w.blue + w.green;
    if (total <= 0) return active;
    return this.random() * total < w.blue ? 'blue' : 'green';
  }

  /**
   * Apply what a switch implies, whichever thread made it: an explicit switch ends any weighted
   * split (all traffic moves); sticky pins survive a switch (session continuity) and are cleared
   * by a rollback.
   */
  private sync(generation: number): void {
    if (generation === this.seenGeneration) return;
    this.seenGeneration = generation;
    this.currentWeights = null;
    const rollbacks = this.state.rollbacks;
    if (rollbacks !== this.seenRollbacks) {
      this.seenRollbacks = rollbacks;
      this.sticky?.clear();
    }
  }

  /** Switch on this thread (the admin thread commits to the same shared state). */
  switchTo(to: Color, now: number, isRollback: boolean): SwitchResult {
    const result = this.state.commit(to, now, isRollback);
    this.sync(result.generation);
    return result;
  }
}
