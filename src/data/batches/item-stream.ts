/**
 * The engine behind frame and chunk batches: utterances are read one at a time in the epoch's
 * order, cut into items (frames or chunks), passed through a bounded shuffle buffer and assembled
 * into batches. Memory is the buffer's slots plus one utterance, whatever the data size.
 *
 * Skipping to a batch (resume) replays only the buffer's index bookkeeping: which item sits in
 * which slot depends on frame counts and the epoch's generator, not on feature values, so the
 * skipped part reads no features. At the switch-over the residents are loaded (grouped by
 * utterance, one utterance in memory at a time).
 */
import type { Rng } from '../../util/rng.js';
import { SlotShuffler } from './order.js';

/** How a loader stores items in slots and copies them into batches. */
export interface SlotStore<L, B> {
  /** Reads (and normalises) one utterance, ready for `put`. */
  load(uttIndex: number): L;
  /** Copies item `item` of a loaded utterance into `slot`. */
  put(loaded: L, item: number, slot: number): void;
  /** A new batch of `size` rows. */
  newBatch(size: number): B;
  /** Copies `slot` into row `row` of `batch`. */
  emit(slot: number, batch: B, row: number): void;
}

/** Running counters a test or a caller can read. */
export interface StreamStats {
  /** Largest number of items that were resident in the shuffle buffer at once. */
  maxBufferedItems: number;
  /** Utterances read from the source since the loader was made. */
  utterancesRead: number;
}

export interface ItemStreamArgs<L, B> {
  /** Utterance indices in epoch order. */
  order: readonly number[];
  /** Items per utterance index. */
  itemCounts: Int32Array;
  capacity: number;
  /** Generator of the buffer's choices; undefined = no shuffling (FIFO). */
  rng: Rng | undefined;
  batchSize: number;
  dropLast: boolean;
  startBatch: number;
  store: SlotStore<L, B>;
  stats: StreamStats;
}

/** Number of batches from `total` items. */
export function batchCount(total: number, batchSize: number, dropLast: boolean): number {
  return dropLast ? Math.floor(total / batchSize) : Math.ceil(total / batchSize);
}

/** Yields the batches of one epoch from `startBatch` on. */
export function* streamItems<L, B>(a: ItemStreamArgs<L, B>): Generator<B> {
  let total = 0;
  for (const u of a.order) total += a.itemCounts[u]!;
  const nBatches = batchCount(total, a.batchSize, a.dropLast);
  if (a.startBatch >= nBatches) return;
  const shuffler = new SlotShuffler(a.capacity, a.rng);
  const slotUtt = new Int32Array(a.capacity);
  const slotItem = new Int32Array(a.capacity);
  const skipRows = a.startBatch * a.batchSize;
  let real = skipRows === 0;
  let emittedRows = 0;
  let batch: B | undefined;
  let row = 0;
  let batchesDone = a.startBatch;
  const ready: B[] = [];

  const materialise = (): void => {
    const residents = shuffler.residents();
    const byUtt = new Map<number, number[]>();
    for (const slot of residents) {
      const list = byUtt.get(slotUtt[slot]!);
      if (list === undefined) byUtt.set(slotUtt[slot]!, [slot]);
      else list.push(slot);
    }
    for (const [u, slots] of byUtt) {
      const loaded = a.store.load(u);
      a.stats.utterancesRead++;
      for (const slot of slots) a.store.put(loaded, slotItem[slot]!, slot);
    }
  };

  const emit = (slot: number): void => {
    emittedRows++;
    if (!real) {
      if (emittedRows === skipRows) {
        materialise();
        real = true;
      }
      return;
    }
    if (batchesDone >= nBatches) return;
    if (batch === undefined) {
      batch = a.store.newBatch(Math.min(a.batchSize, total - batchesDone * a.batchSize));
      row = 0;
    }
    a.store.emit(slot, batch, row++);
    if (row === a.batchSize || emittedRows === total) {
      ready.push(batch);
      batch = undefined;
      batchesDone++;
    }
  };

  for (const u of a.order) {
    const n = a.itemCounts[u]!;
    if (n === 0) continue;
    let loaded: L | undefined;
    for (let item = 0; item < n; item++) {
      const slot = shuffler.admit();
      if (shuffler.emitted >= 0) emit(shuffler.emitted);
      slotUtt[slot] = u;
      slotItem[slot] = item;
      if (real) {
        if (loaded === undefined) {
          loaded = a.store.load(u);
          a.stats.utterancesRead++;
        }
        a.store.put(loaded, item, slot);
      }
      if (shuffler.size > a.stats.maxBufferedItems) a.stats.maxBufferedItems = shuffler.size;
      while (ready.length > 0) yield ready.shift()!;
      if (batchesDone >= nBatches) return;
    }
  }
  for (let slot = shuffler.drain(); slot >= 0; slot = shuffler.drain()) {
    emit(slot);
    while (ready.length > 0) yield ready.shift()!;
    if (batchesDone >= nBatches) return;
  }
}
