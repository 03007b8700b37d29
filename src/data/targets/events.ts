/**
 * Multi-label frame targets from sound events: class k is active in frame i when an event of k
 * covers the frame centre (events are half-open [onset, offset), as alignment segments). Events
 * of one class that overlap or touch are merged first, so the boundaries of a class are the
 * onsets and offsets of its activity, and the distance of every frame to the nearest of them is
 * kept per class (+Infinity for a class with no events in the utterance).
 */
import { HibikiError } from '../../errors.js';
import type { EventSpan } from '../datadir/types.js';
import type { Vocabulary } from '../vocab/vocabulary.js';
import { checkGeometry, frameCentreNs, toNs, type FrameGeometry } from './geometry.js';

/** Multi-label targets of one utterance. */
export interface MultiLabelTargets {
  frames: number;
  classes: number;
  /** [frames, classes] row-major, 1 when the class is active at the frame centre. */
  active: Uint8Array;
  /** [frames, classes] row-major, distance in frames from the centre to the class's nearest onset/offset. */
  boundaryDistance: Float32Array;
}

/**
 * Event targets of one utterance.
 * @param events the utterance's events (seconds; any order; may overlap)
 * @param numFrames number of frames
 * @param frame frame geometry (seconds)
 * @param vocab event class -> index (classes = vocab.size; its unknown-label policy applies)
 * @param utterance for error messages
 */
export function eventsToFrameTargets(events: readonly EventSpan[], numFrames: number, frame: FrameGeometry, vocab: Vocabulary, utterance?: string): MultiLabelTargets {
  checkGeometry(frame);
  const where = utterance === undefined ? {} : { utterance };
  const K = vocab.size;
  const perClass: [number, number][][] = Array.from({ length: K }, () => []);
  for (const e of events) {
    const s = toNs(e.onset);
    const t = toNs(e.offset);
    if (!(e.onset >= 0) || !(t > s)) throw new HibikiError('BAD_TIMES', `event '${e.label}' [${e.onset}, ${e.offset}] is empty or negative`, where);
    (perClass[vocab.index(e.label, where)] as [number, number][]).push([s, t]);
  }
  const active = new Uint8Array(numFrames * K);
  const boundaryDistance = new Float32Array(numFrames * K).fill(Infinity);
  const shift = toNs(frame.shiftSec);
  const centres = Float64Array.from({ length: numFrames }, (_, i) => frameCentreNs(i, frame));
  for (let k = 0; k < K; k++) {
    const merged = mergeIntervals(perClass[k] as [number, number][]);
    if (merged.length === 0) continue;
    const bounds = merged.flat();
    let m = 0;
    let b = 0;
    for (let i = 0; i < numFrames; i++) {
      const c = centres[i] as number;
      while (m < merged.length && (merged[m] as [number, number])[1] <= c) m++;
      const iv = merged[m];
      if (iv !== undefined && iv[0] <= c) active[i * K + k] = 1;
      while (b < bounds.length && (bounds[b] as number) <= c) b++;
      const dBefore = b > 0 ? c - (bounds[b - 1] as number) : Infinity;
      const dAfter = b < bounds.length ? (bounds[b] as number) - c : Infinity;
      boundaryDistance[i * K + k] = Math.min(dBefore, dAfter) / shift;
    }
  }
  return { frames: numFrames, classes: K, active, boundaryDistance };
}

/** Sorted union of half-open intervals; touching intervals merge. */
function mergeIntervals(list: [number, number][]): [number, number][] {
  const sorted = [...list].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}
