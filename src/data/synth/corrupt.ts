/**
 * Label corruption the way human annotation errs: boundaries placed a little early or late, and
 * short segments missed. Applied to training sets only; dev/test keep the exact labels.
 * All times here are integer milliseconds so that written labels (3 decimals) are exact.
 */
import type { Rng } from '../../util/rng.js';

/** A segment in integer milliseconds. */
export interface MsSegment {
  start: number;
  end: number;
  label: string;
}

/** An event in integer milliseconds. */
export interface MsEvent {
  onset: number;
  offset: number;
  label: string;
}

/** How labels are corrupted. */
export interface CorruptionOptions {
  /** Maximum boundary shift, ms; each boundary moves by a uniform integer in [-J, J]. */
  jitterMs: number;
  /** Segments/events shorter than this (ms) are merged into a neighbour / dropped; 0 = keep all. */
  dropShortMs: number;
  /** No corrupted segment or event gets shorter than min(minDurationMs, half its exact length). */
  minDurationMs: number;
}

function shift(rng: Rng, j: number): number {
  return j > 0 ? rng.int(2 * j + 1) - j : 0;
}

/** Merges segments shorter than `minMs` into the previous segment (the next one for the first). */
export function mergeShortSegments(segments: MsSegment[], minMs: number): MsSegment[] {
  if (minMs <= 0 || segments.length < 2) return segments.map((s) => ({ ...s }));
  const out: MsSegment[] = [];
  for (const s of segments) {
    const prev = out[out.length - 1];
    if (prev !== undefined && s.end - s.start < minMs) prev.end = s.end;
    else out.push({ ...s });
  }
  const first = out[0]!;
  if (out.length > 1 && first.end - first.start < minMs) {
    out[1]!.start = first.start;
    out.shift();
  }
  // neighbours that now share a label become one segment
  const merged: MsSegment[] = [];
  for (const s of out) {
    const prev = merged[merged.length - 1];
    if (prev !== undefined && prev.label === s.label) prev.end = s.end;
    else merged.push(s);
  }
  return merged;
}

/**
 * Corrupts a contiguous alignment: short segments merged, then every inner boundary shifted by
 * up to `jitterMs` (the first start and last end stay, so the alignment still covers the file).
 * Order is kept and no segment shrinks below min(minDurationMs, half its length), so each
 * boundary moves by at most `jitterMs`.
 * @param segments contiguous, time-ordered, integer ms
 */
export function corruptAlignment(segments: MsSegment[], rng: Rng, o: CorruptionOptions): MsSegment[] {
  const segs = mergeShortSegments(segments, o.dropShortMs);
  const minOf = (s: MsSegment): number => Math.min(o.minDurationMs, Math.floor((s.end - s.start) / 2));
  const out = segs.map((s) => ({ ...s }));
  for (let i = 1; i < out.length; i++) {
    const b = segs[i]!.start;
    const lo = out[i - 1]!.start + minOf(segs[i - 1]!);
    const hi = segs[i]!.end - minOf(segs[i]!);
    const moved = Math.min(hi, Math.max(lo, b + shift(rng, o.jitterMs)));
    out[i - 1]!.end = moved;
    out[i]!.start = moved;
  }
  return out;
}

/**
 * Corrupts events: events shorter than `dropShortMs` are dropped, then onset and offset each move
 * by up to `jitterMs`, clipped to [0, durationMs], keeping onset < offset and a minimum length.
 */
export function corruptEvents(events: MsEvent[], durationMs: number, rng: Rng, o: CorruptionOptions): MsEvent[] {
  const out: MsEvent[] = [];
  for (const e of events) {
    const len = e.offset - e.onset;
    const u1 = shift(rng, o.jitterMs);
    const u2 = shift(rng, o.jitterMs);
    if (o.dropShortMs > 0 && len < o.dropShortMs) continue;
    const m = Math.min(o.minDurationMs, Math.floor(len / 2));
    const onset = Math.min(e.offset - m, Math.max(0, e.onset + u1));
    const offset = Math.min(durationMs, Math.max(onset + m, e.offset + u2));
    out.push({ onset, offset, label: e.label });
  }
  return out.sort((a, b) => a.onset - b.onset || a.offset - b.offset || (a.label < b.label ? -1 : 1));
}
