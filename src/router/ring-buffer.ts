/**
 * A fixed-capacity buffer of sequenced items: pushing into a full buffer evicts the oldest, so a
 * slow reader can never make the writer queue without bound. Readers page with `since(seq)`.
 */
export class RingBuffer<T extends { seq: number }> {
  private readonly items: (T | undefined)[];
  private nextSeq = 1;
  /** Items overwritten before any reader had paged past them (a slow or absent reader). */
  evicted = 0;
  /** Highest seq a reader has been given. */
  private readUpTo = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.items = new Array(capacity);
  }

  /** Assign the next sequence number to `item` and store it. */
  push(make: (seq: number) => T): T {
    const seq = this.nextSeq++;
    const item = make(seq);
    const slot = (seq - 1) % this.capacity;
    const old = this.items[slot];
    if (old !== undefined && old.seq > this.readUpTo) this.evicted++;
    this.items[slot] = item;
    return item;
  }

  /** The sequence number the next item will get. */
  get next(): number {
    return this.nextSeq;
  }

  /** Items with seq > since, oldest first, at most `limit`. */
  since(since: number, limit: number): T[] {
    const oldest = Math.max(1, this.nextSeq - this.capacity);
    const from = Math.max(oldest, Math.floor(since) + 1);
    const to = Math.min(this.nextSeq, from + Math.max(0, Math.floor(limit)));
    const out: T[] = [];
    for (let seq = from; seq < to; seq++) out.push(this.items[(seq - 1) % this.capacity]!);
    if (to - 1 > this.readUpTo) this.readUpTo = to - 1;
    return out;
  }
}
