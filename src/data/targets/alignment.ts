/**
 * Single-label frame targets from an alignment, with each frame's distance to the nearest label
 * boundary and the label on the other side of it (what boundary-aware label smoothing needs).
 *
 * Rules (docs/data.md, "Frame targets"):
 * - a frame's label is the segment covering its centre; segments are half-open [start, end), so
 *   a boundary exactly at a centre gives the frame the later segment's label; only the end of the
 *   last segment is closed (with snip-edges=false the last frame's centre can fall exactly on
 *   the end of the audio, where an aligner's alignment ends);
 * - a boundary is a time where the label changes; between two segments separated by an uncovered
 *   gap that is not filled with a label, the boundary is the middle of the gap; the start of the
 *   first and the end of the last segment are not boundaries (nothing is on the other side);
 * - the distance is |centre - boundary| / shift, in frames (fractional); when two boundaries are
 *   equally near, the earlier one counts; with no boundary at all it is +Infinity and the
 *   neighbour is the frame's own label;
 * - frames whose centre no segment covers follow `uncovered`: 'error' (default), 'ignore'
 *   (label -1, neighbour -1, distance +Infinity: losses skip them like padding) or a fill label
 *   (e.g. 'sil' or '<unk>') that then acts like a segment.
 */
import { HibikiError } from '../../errors.js';
import type { AlignedSegment } from '../datadir/types.js';
import type { Vocabulary } from '../vocab/vocabulary.js';
import { checkGeometry, frameCentreNs, toNs, type FrameGeometry } from './geometry.js';

/** Per-frame targets of one utterance. */
export interface FrameTargets {
  /** [frames] label index, or -1 for an ignored frame. */
  labels: Int32Array;
  /** [frames] distance in frames from the frame centre to the nearest label boundary (+Infinity: none). */
  boundaryDistance: Float32Array;
  /** [frames] label on the other side of that boundary (own label when none; -1 for ignored frames). */
  neighbourLabel: Int32Array;
}

/** What to do with frames whose centre no segment covers. */
export type UncoveredPolicy = 'error' | 'ignore' | { label: string };

export interface AlignmentTargetOptions {
  /** Default 'error'. */
  uncovered?: UncoveredPolicy;
  /** Utterance id, for error messages. */
  utterance?: string;
}

const IGNORE = -1;
const ERROR = -2;

interface Piece {
  s: number;
  e: number;
  id: number;
}

interface Boundary {
  t: number;
  left: number;
  right: number;
}

/** Segments as ns pieces covering [0, inf), gaps filled with `fill`. */
function pieces(segments: readonly AlignedSegment[], vocab: Vocabulary, fill: number, utterance: string | undefined): Piece[] {
  const where = utterance === undefined ? {} : { utterance };
  const segs = segments
    .map((g) => {
      const s = toNs(g.start);
      const e = toNs(g.end);
      if (!(g.start >= 0) || !(e > s)) throw new HibikiError('BAD_TIMES', `segment [${g.start}, ${g.end}] is empty or negative`, where);
      return { s, e, id: vocab.index(g.label, where), label: g.label };
    })
    .sort((a, b) => a.s - b.s);
  const out: Piece[] = [];
  let cursor = 0;
  let prev: (typeof segs)[number] | undefined;
  for (const g of segs) {
    if (prev !== undefined && g.s < prev.e) {
      throw new HibikiError('ALIGNMENT_OVERLAP', `segment '${g.label}' at ${g.s / 1e9} s overlaps '${prev.label}' ending at ${prev.e / 1e9} s`, where);
    }
    if (g.s > cursor) out.push({ s: cursor, e: g.s, id: fill });
    out.push({ s: g.s, e: g.e, id: g.id });
    cursor = g.e;
    prev = g;
  }
  out.push({ s: cursor, e: Infinity, id: fill });
  return out;
}

function boundariesOf(ps: Piece[]): Boundary[] {
  const out: Boundary[] = [];
  let prev: Piece | undefined;
  for (const p of ps) {
    if (p.id < 0) continue;
    if (prev !== undefined && prev.id !== p.id) {
      const t = prev.e === p.s ? p.s : (prev.e + p.s) / 2;
      out.push({ t, left: prev.id, right: p.id });
    }
    prev = p;
  }
  return out;
}

/**
 * Frame targets of one utterance.
 * @param segments the utterance's alignment (seconds; any order; must not overlap)
 * @param numFrames number of frames (from the features, or `numFramesForSamples`)
 * @param frame frame geometry (seconds)
 * @param vocab label -> index (its unknown-label policy applies)
 * @returns labels, boundaryDistance, neighbourLabel, each of length numFrames
 */
export function alignmentToFrameTargets(
  segments: readonly AlignedSegment[],
  numFrames: number,
  frame: FrameGeometry,
  vocab: Vocabulary,
  options: AlignmentTargetOptions = {},
): FrameTargets {
  checkGeometry(frame);
  const utterance = options.utterance;
  const where = utterance === undefined ? {} : { utterance };
  const policy = options.uncovered ?? 'error';
  const fill = policy === 'error' ? ERROR : policy === 'ignore' ? IGNORE : vocab.index(policy.label, where);
  const ps = pieces(segments, vocab, fill, utterance);
  const bs = boundariesOf(ps);
  const shift = toNs(frame.shiftSec);
  const labels = new Int32Array(numFrames);
  const boundaryDistance = new Float32Array(numFrames);
  const neighbourLabel = new Int32Array(numFrames);
  let p = 0;
  let b = 0;
  for (let i = 0; i < numFrames; i++) {
    const c = frameCentreNs(i, frame);
    while ((ps[p] as Piece).e <= c) p++;
    let id = (ps[p] as Piece).id;
    const prevPiece = ps[p - 1];
    if (id < 0 && p === ps.length - 1 && prevPiece !== undefined && prevPiece.e === c && prevPiece.id >= 0) id = prevPiece.id;
    if (id === ERROR) {
      throw new HibikiError('UNCOVERED_FRAME', `frame ${i} (centre ${c / 1e9} s) is covered by no segment; pass uncovered: 'ignore' or a fill label`, {
        ...where,
        expected: 'segments covering every frame centre',
        found: `${numFrames} frames, alignment ${segments.length === 0 ? 'empty' : `to ${Math.max(...segments.map((s) => s.end))} s`}`,
      });
    }
    labels[i] = id;
    if (id === IGNORE) {
      boundaryDistance[i] = Infinity;
      neighbourLabel[i] = IGNORE;
      continue;
    }
    while (b < bs.length && (bs[b] as Boundary).t <= c) b++;
    const before = bs[b - 1];
    const after = bs[b];
    const dBefore = before === undefined ? Infinity : c - before.t;
    const dAfter = after === undefined ? Infinity : after.t - c;
    if (before === undefined && after === undefined) {
      boundaryDistance[i] = Infinity;
      neighbourLabel[i] = id;
    } else if (dBefore <= dAfter) {
      boundaryDistance[i] = dBefore / shift;
      neighbourLabel[i] = (before as Boundary).left;
    } else {
      boundaryDistance[i] = dAfter / shift;
      neighbourLabel[i] = (after as Boundary).right;
    }
  }
  return { labels, boundaryDistance, neighbourLabel };
}
