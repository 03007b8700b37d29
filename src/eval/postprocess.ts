/**
 * Post-processing of multi-label frame posteriors into events: per-class thresholds, a median
 * filter over frames, gap merging and a minimum duration, in that order.
 *
 * Time convention (DESIGN.md frame convention): frame i covers samples [i*shift, i*shift+length)
 * and a class is active in a frame when an event covers the frame's centre c_i = i*shift +
 * length/2. A run of active frames a..b therefore becomes the event
 * [c_a - shift/2, c_b + shift/2), onset clipped at 0: the boundaries halfway between centres.
 */
import { HibikiError } from '../errors.js';
import type { EventItem } from './sed/event-list.js';

export interface PostprocessOptions {
  /** Class names, index = column of the posteriors. */
  labels: readonly string[];
  /** Frame shift, seconds. */
  shiftSec: number;
  /** Frame length, seconds; default = shiftSec (centres at (i + 1/2) * shift). */
  lengthSec?: number;
  /** Activity threshold, one for all classes or one per class (p >= threshold); default 0.5. */
  threshold?: number | readonly number[];
  /** Median filter window in frames (odd; 1 = off); default 1. */
  medianFrames?: number;
  /** Gaps shorter than this (seconds) between two events of a class are filled; default 0. */
  mergeGapSec?: number;
  /** Events shorter than this (seconds) are dropped, after merging; default 0. */
  minDurationSec?: number;
  /** File name written into each event; default ''. */
  file?: string;
}

/**
 * Median filter of a 0/1 sequence with an odd window; the edges use the available neighbours
 * (the window shrinks symmetrically), so the output has the input's length.
 */
export function medianFilterBinary(x: Uint8Array, window: number): Uint8Array {
  if (!Number.isInteger(window) || window < 1 || window % 2 === 0) {
    throw new HibikiError('POSTPROCESS_OPTIONS', 'median filter window must be an odd positive number of frames', { expected: '1, 3, 5, ...', found: String(window) });
  }
  const n = x.length;
  const half = (window - 1) / 2;
  const out = new Uint8Array(n);
  const prefix = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + x[i]!;
  for (let i = 0; i < n; i++) {
    const h = Math.min(half, i, n - 1 - i);
    const ones = prefix[i + h + 1]! - prefix[i - h]!;
    out[i] = 2 * ones > 2 * h + 1 ? 1 : 0;
  }
  return out;
}

/** Runs of ones as [start, end) frame index pairs. */
export function activeRuns(x: Uint8Array): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let start = -1;
  for (let i = 0; i <= x.length; i++) {
    const on = i < x.length && x[i] === 1;
    if (on && start < 0) start = i;
    else if (!on && start >= 0) {
      runs.push([start, i]);
      start = -1;
    }
  }
  return runs;
}

/**
 * Turns `[frames, classes]` row-major posteriors into events, sorted by onset then label.
 * @returns events in seconds
 */
export function posteriorsToEvents(posteriors: Float32Array | Float64Array, options: PostprocessOptions): EventItem[] {
  const c = options.labels.length;
  if (c === 0 || posteriors.length % c !== 0) {
    throw new HibikiError('EVAL_SHAPE', 'posteriors must be [frames, classes]', { expected: `a multiple of ${c}`, found: String(posteriors.length) });
  }
  if (!(options.shiftSec > 0)) throw new HibikiError('POSTPROCESS_OPTIONS', 'frame shift must be > 0 seconds', { expected: '> 0', found: String(options.shiftSec) });
  const n = posteriors.length / c;
  const shift = options.shiftSec;
  const length = options.lengthSec ?? shift;
  const thr = options.threshold ?? 0.5;
  const thresholds = typeof thr === 'number' ? new Array<number>(c).fill(thr) : [...thr];
  if (thresholds.length !== c) throw new HibikiError('POSTPROCESS_OPTIONS', 'one threshold per class expected', { expected: String(c), found: String(thresholds.length) });
  const median = options.medianFrames ?? 1;
  const gap = options.mergeGapSec ?? 0;
  const minDur = options.minDurationSec ?? 0;
  const file = options.file ?? '';
  const events: EventItem[] = [];
  for (let k = 0; k < c; k++) {
    let active: Uint8Array = new Uint8Array(n);
    for (let t = 0; t < n; t++) active[t] = posteriors[t * c + k]! >= thresholds[k]! ? 1 : 0;
    if (median > 1) active = medianFilterBinary(active, median);
    const spans = activeRuns(active).map(([a, b]) => {
      const onset = Math.max(0, a * shift + length / 2 - shift / 2);
      const offset = (b - 1) * shift + length / 2 + shift / 2;
      return [onset, offset] as [number, number];
    });
    const merged: Array<[number, number]> = [];
    for (const s of spans) {
      const last = merged[merged.length - 1];
      if (last !== undefined && s[0] - last[1] < gap) last[1] = s[1];
      else merged.push([s[0], s[1]]);
    }
    for (const [onset, offset] of merged) {
      if (offset - onset >= minDur) events.push({ file, onset, offset, label: options.labels[k]! });
    }
  }
  return events.sort((a, b) => a.onset - b.onset || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}
