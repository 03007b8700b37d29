/**
 * Epoch orders and the bounded shuffle buffer. Every random choice of an epoch comes from a
 * generator derived from (seed, epoch) alone, so epoch e's batches can be regenerated at any time
 * (a resumed run jumps straight to (epoch, batch)) and two runs with one seed see equal batches.
 */
import { Rng } from '../../util/rng.js';

/** The generator of one epoch's choices of one kind (`'utterances'`, `'buffer'`, `'batches'`). */
export function epochRng(seed: number, epoch: number, purpose: string): Rng {
  return new Rng(seed).fork(`batches/${purpose}/epoch-${epoch}`);
}

/** Utterance indices in epoch order: a seeded permutation, or 0..n-1 without shuffling. */
export function utteranceOrder(n: number, seed: number, epoch: number, shuffle: boolean): number[] {
  if (!shuffle) return Array.from({ length: n }, (_, i) => i);
  return epochRng(seed, epoch, 'utterances').permutation(n);
}

/**
 * A shuffle buffer over physical slots `0..capacity-1` that holds only slot numbers; callers keep
 * the items' data in their own slot-indexed arrays. Items enter in stream order; once the buffer
 * is full, each arrival first evicts (emits) a uniformly chosen resident and takes its slot, and at
 * the end the residents are drained in random order. With capacity 1 the order is unchanged.
 */
export class SlotShuffler {
  /** Resident slot numbers; the first `count` entries are live. */
  private readonly live: Int32Array;
  private count = 0;
  /** Slot emitted by the last `admit` (-1 when the buffer was not full yet). */
  emitted = -1;

  constructor(
    readonly capacity: number,
    private readonly rng: Rng | undefined,
  ) {
    this.live = new Int32Array(capacity);
  }

  /** Number of items resident in the buffer. */
  get size(): number {
    return this.count;
  }

  /** Slot numbers currently resident (a copy). */
  residents(): Int32Array {
    return this.live.slice(0, this.count);
  }

  /**
   * Admits the next item. Returns the slot the caller must write the item into; before writing,
   * the caller emits `this.emitted` when it is >= 0 (it is the same slot, about to be overwritten).
   */
  admit(): number {
    if (this.count < this.capacity) {
      this.emitted = -1;
      const slot = this.count;
      this.live[this.count++] = slot;
      return slot;
    }
    const j = this.pick(this.capacity);
    const slot = this.live[j]!;
    if (this.rng === undefined) {
      // Without shuffling the buffer is a FIFO: emit the oldest, keep arrival order.
      this.live.copyWithin(0, 1, this.capacity);
      this.live[this.capacity - 1] = slot;
    }
    this.emitted = slot;
    return slot;
  }

  /** Removes and returns a random resident slot (oldest first without shuffling); -1 when empty. */
  drain(): number {
    if (this.count === 0) return -1;
    const j = this.pick(this.count);
    const slot = this.live[j]!;
    if (this.rng === undefined) this.live.copyWithin(0, 1, this.count);
    else this.live[j] = this.live[this.count - 1]!;
    this.count--;
    return slot;
  }

  private pick(n: number): number {
    return this.rng === undefined ? 0 : this.rng.int(n);
  }
}
