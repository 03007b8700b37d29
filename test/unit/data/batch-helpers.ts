/** Tiny in-memory frame sources for the batch loader tests (features computed on demand). */
import type { FrameSource, MultiLabelFrameTargets, SequenceTargets, SingleLabelTargets } from '../../../src/data/batches/index.js';

/** Feature value of (utterance u, frame f, dimension d): unique, so tests can tell frames apart. */
export function value(u: number, f: number, d: number): number {
  return u * 1000 + f + d / 16;
}

export interface Counting {
  featureReads: number;
}

export type AllTargets = SingleLabelTargets & MultiLabelFrameTargets & SequenceTargets;

/** Label of (u, f): changes every 3 frames. */
export function labelOf(u: number, f: number, classes: number): number {
  return (u + Math.floor(f / 3)) % classes;
}

/**
 * A source with utterance u of `lengths[u]` frames; features, single-label, multi-label (2 classes)
 * and token targets all derived from (u, f). With `multi`, boundary distances are `[frames, 2]`.
 */
export function makeSource(lengths: number[], dim = 2, classes = 3, multi = false): FrameSource<AllTargets> & Counting {
  const utts = lengths.map((_, i) => `utt${String(i).padStart(4, '0')}`);
  const src = {
    featureReads: 0,
    utterances: utts,
    frames: (utt: string) => lengths[utts.indexOf(utt)]!,
    features(utt: string) {
      src.featureReads++;
      const u = utts.indexOf(utt);
      const frames = lengths[u]!;
      const data = new Float32Array(frames * dim);
      for (let f = 0; f < frames; f++) for (let d = 0; d < dim; d++) data[f * dim + d] = value(u, f, d);
      return { data, frames, dim };
    },
    targets(utt: string): AllTargets {
      const u = utts.indexOf(utt);
      const frames = lengths[u]!;
      const labels = Int32Array.from({ length: frames }, (_, f) => labelOf(u, f, classes));
      const active = new Uint8Array(frames * 2);
      for (let f = 0; f < frames; f++) {
        active[f * 2] = f % 2;
        active[f * 2 + 1] = (u + f) % 3 === 0 ? 1 : 0;
      }
      return {
        labels,
        boundaryDistance: Float32Array.from({ length: multi ? frames * 2 : frames }, (_, f) => u + f / 100),
        neighbourLabel: Int32Array.from({ length: frames }, (_, f) => (labelOf(u, f, classes) + 1) % classes),
        active,
      };
    },
  };
  return src;
}

/** Token sequences for CTC tests: utterance u has (u % 4) + 1 tokens. */
export function tokenSource(lengths: number[], dim = 2): FrameSource<SequenceTargets> & Counting {
  const base = makeSource(lengths, dim);
  return {
    get featureReads() {
      return base.featureReads;
    },
    utterances: base.utterances,
    frames: base.frames,
    features: (utt) => base.features(utt),
    targets(utt) {
      const u = base.utterances.indexOf(utt);
      return { labels: Int32Array.from({ length: (u % 4) + 1 }, (_, i) => 1 + ((u + i) % 5)) };
    },
  };
}

/** Identity of a spliced row: the (u, f) of its centre frame, read back from the feature value. */
export function centreId(x: Float32Array, row: number, inputDim: number, context: number, dim: number): number {
  return Math.round(x[row * inputDim + context * dim]!);
}
