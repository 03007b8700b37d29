/**
 * CTC decoding primitives: greedy (best path) and prefix beam search, for a batch with lengths.
 * Inputs are per-frame scores over the classes, blank included; log_softmax is applied to every
 * frame, which leaves log-probabilities unchanged, so logits, log-probs or log-softmaxed model
 * outputs all work. Every emitted token carries the frame where its emission starts.
 */
import { HibikiError } from '../../errors.js';
import type { CtcLayout } from './core.js';

/** Frame scores of a batch: `data` is [batch, frames, classes] ('BTC') or [frames, batch, classes] ('TBC'). */
export interface CtcScores {
  data: Float32Array | Float64Array;
  batch: number;
  frames: number;
  classes: number;
  /** Default 'BTC'. */
  layout?: CtcLayout;
  /** Valid frames per utterance; default all. */
  lengths?: ArrayLike<number>;
}

/** One decoded utterance. */
export interface CtcHypothesis {
  /** Class indices, blanks removed, repeats collapsed. */
  tokens: number[];
  /** First frame (0-based, output-frame units) of each token's emission, same length as `tokens`. */
  frames: number[];
  /**
   * Greedy: log-probability of the best path. Beam: log-probability of the prefix summed over the
   * alignments the beam kept (a lower bound of its total probability), without insertion bonus.
   */
  logProb: number;
}

/** Options of {@link ctcBeamDecode}. */
export interface CtcBeamOptions {
  /** Blank class index; default 0. */
  blank?: number;
  /** Prefixes kept per frame; default 8. */
  beamWidth?: number;
  /** Added to a prefix's log score per token when ranking (positive favours longer outputs); default 0. */
  insertionBonus?: number;
  /** Classes whose frame log-probability is below this are not used to extend prefixes; default -Infinity. */
  pruneLogProb?: number;
  /** Hypotheses returned per utterance, best first; default 1. */
  nBest?: number;
  /** Nats subtracted from the blank's log-probability in every frame (counters blank dominance); default 0. */
  blankPenalty?: number;
}

/** Options of {@link ctcGreedyDecode}. */
export interface CtcGreedyOptions {
  /** Blank class index; default 0. */
  blank?: number;
  /** Nats subtracted from the blank's log-probability in every frame; default 0. */
  blankPenalty?: number;
}

function check(s: CtcScores, blank: number): { layout: CtcLayout; lengths: ArrayLike<number> } {
  if (s.data.length !== s.batch * s.frames * s.classes) {
    throw new HibikiError('CTC_BAD_SHAPE', 'scores size does not match batch * frames * classes', {
      expected: String(s.batch * s.frames * s.classes),
      found: String(s.data.length),
    });
  }
  if (!Number.isInteger(blank) || blank < 0 || blank >= s.classes) {
    throw new HibikiError('CTC_BAD_BLANK', 'blank index out of range', { expected: `0..${s.classes - 1}`, found: String(blank) });
  }
  const lengths = s.lengths ?? new Int32Array(s.batch).fill(s.frames);
  if (lengths.length !== s.batch) throw new HibikiError('CTC_BAD_LENGTHS', 'one length per utterance', { expected: String(s.batch), found: String(lengths.length) });
  for (let b = 0; b < s.batch; b++) {
    const l = lengths[b] as number;
    if (!Number.isInteger(l) || l < 0 || l > s.frames) {
      throw new HibikiError('CTC_BAD_LENGTHS', `length of utterance ${b} out of range`, { expected: `integer 0..${s.frames}`, found: String(l) });
    }
  }
  return { layout: s.layout ?? 'BTC', lengths };
}

/** log_softmax of utterance b's frame t into `out` (length C), minus `blankPenalty` on the blank. */
function frameLogProbs(s: CtcScores, layout: CtcLayout, b: number, t: number, out: Float64Array, blank: number, blankPenalty: number): void {
  const C = s.classes;
  const o = layout === 'BTC' ? (b * s.frames + t) * C : (t * s.batch + b) * C;
  let m = -Infinity;
  for (let k = 0; k < C; k++) if ((s.data[o + k] as number) > m) m = s.data[o + k] as number;
  let sum = 0;
  for (let k = 0; k < C; k++) sum += Math.exp((s.data[o + k] as number) - m);
  const lse = m + Math.log(sum);
  for (let k = 0; k < C; k++) out[k] = (s.data[o + k] as number) - lse;
  out[blank] = (out[blank] as number) - blankPenalty;
}

function checkPenalty(p: number): number {
  if (!Number.isFinite(p)) throw new HibikiError('CTC_BAD_BEAM', 'blankPenalty must be a finite number', { expected: 'finite', found: String(p) });
  return p;
}

/**
 * Greedy decoding: the most probable class per frame (lowest index on ties), repeats collapsed,
 * blanks removed. A token's frame is the first frame of its run. With a `blankPenalty`, `logProb`
 * includes the penalty of the path's blank frames.
 */
export function ctcGreedyDecode(scores: CtcScores, options: CtcGreedyOptions = {}): CtcHypothesis[] {
  const blank = options.blank ?? 0;
  const penalty = checkPenalty(options.blankPenalty ?? 0);
  const { layout, lengths } = check(scores, blank);
  const lp = new Float64Array(scores.classes);
  const out: CtcHypothesis[] = [];
  for (let b = 0; b < scores.batch; b++) {
    const hyp: CtcHypothesis = { tokens: [], frames: [], logProb: 0 };
    let prev = -1;
    for (let t = 0; t < (lengths[b] as number); t++) {
      frameLogProbs(scores, layout, b, t, lp, blank, penalty);
      let best = 0;
      for (let k = 1; k < scores.classes; k++) if ((lp[k] as number) > (lp[best] as number)) best = k;
      hyp.logProb += lp[best] as number;
      if (best !== blank && best !== prev) {
        hyp.tokens.push(best);
        hyp.frames.push(t);
      }
      prev = best;
    }
    out.push(hyp);
  }
  return out;
}

/** A prefix in the search trie. Nodes are immutable once created, so ancestors' frames stay put. */
interface PrefixNode {
  token: number;
  frame: number;
  parent: PrefixNode | null;
  length: number;
  children: Map<number, PrefixNode>;
  /** Last frame at which the node survived pruning, or the frame it is being scored at. */
  alive: number;
  /** Candidate scores for the frame being processed (log domain). */
  pb: number;
  pnb: number;
}

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

function unwind(node: PrefixNode, logProb: number): CtcHypothesis {
  const tokens: number[] = [];
  const frames: number[] = [];
  for (let n: PrefixNode | null = node; n !== null && n.parent !== null; n = n.parent) {
    tokens.push(n.token);
    frames.push(n.frame);
  }
  return { tokens: tokens.reverse(), frames: frames.reverse(), logProb };
}

/**
 * Prefix beam search (Hannun et al. 2014, without a language model): keeps the `beamWidth`
 * prefixes with the highest `log p(prefix) + insertionBonus * length`, where p(prefix) sums the
 * kept alignments ending in blank and in the last token. With a `blankPenalty`, scores and
 * `logProb` include it.
 * @returns per utterance, the `nBest` best hypotheses, best first
 */
export function ctcBeamDecodeNBest(scores: CtcScores, options: CtcBeamOptions = {}): CtcHypothesis[][] {
  const blank = options.blank ?? 0;
  const width = options.beamWidth ?? 8;
  const bonus = options.insertionBonus ?? 0;
  const prune = options.pruneLogProb ?? -Infinity;
  const nBest = options.nBest ?? 1;
  const penalty = checkPenalty(options.blankPenalty ?? 0);
  if (!Number.isInteger(width) || width < 1) throw new HibikiError('CTC_BAD_BEAM', 'beam width must be an integer >= 1', { expected: '>= 1', found: String(width) });
  if (!Number.isInteger(nBest) || nBest < 1) throw new HibikiError('CTC_BAD_BEAM', 'nBest must be an integer >= 1', { expected: '>= 1', found: String(nBest) });
  const { layout, lengths } = check(scores, blank);
  const C = scores.classes;
  const lp = new Float64Array(C);
  const results: CtcHypothesis[][] = [];
  for (let b = 0; b < scores.batch; b++) {
    const root: PrefixNode = { token: -1, frame: -1, parent: null, length: 0, children: new Map(), alive: -1, pb: 0, pnb: -Infinity };
    let beam: PrefixNode[] = [root];
    // Scores of the surviving beam (pb, pnb per node), kept apart from the candidate fields.
    let beamPb = [0];
    let beamPnb = [-Infinity];
    for (let t = 0; t < (lengths[b] as number); t++) {
      frameLogProbs(scores, layout, b, t, lp, blank, penalty);
      const candidates: PrefixNode[] = [];
      const touch = (n: PrefixNode): PrefixNode => {
        if (n.alive !== t) {
          n.alive = t;
          n.pb = -Infinity;
          n.pnb = -Infinity;
          candidates.push(n);
        }
        return n;
      };
      for (let i = 0; i < beam.length; i++) {
        const node = beam[i] as PrefixNode;
        const pb = beamPb[i] as number;
        const pnb = beamPnb[i] as number;
        const total = logAdd(pb, pnb);
        const self = touch(node);
        self.pb = logAdd(self.pb, total + (lp[blank] as number));
        if (node.token >= 0) self.pnb = logAdd(self.pnb, pnb + (lp[node.token] as number));
        for (let c = 0; c < C; c++) {
          if (c === blank || (lp[c] as number) < prune) continue;
          let child = node.children.get(c);
          // A child that fell out of the beam is re-created, so its emission frame is the new one.
          if (child === undefined || (child.alive !== t && child.alive !== t - 1)) {
            child = { token: c, frame: t, parent: node, length: node.length + 1, children: new Map(), alive: -2, pb: -Infinity, pnb: -Infinity };
            node.children.set(c, child);
          }
          touch(child);
          child.pnb = logAdd(child.pnb, (c === node.token ? pb : total) + (lp[c] as number));
        }
      }
      const rank = (n: PrefixNode): number => logAdd(n.pb, n.pnb) + bonus * n.length;
      candidates.sort((x, y) => rank(y) - rank(x));
      // Prefixes with no alignment at all (e.g. "a a" before any blank could fit) are dropped.
      let keep = Math.min(width, candidates.length);
      while (keep > 1 && rank(candidates[keep - 1] as PrefixNode) === -Infinity) keep--;
      beam = candidates.slice(0, keep);
      beamPb = beam.map((n) => n.pb);
      beamPnb = beam.map((n) => n.pnb);
      // Nodes pruned now must not count as alive at t when the next frame looks for children.
      for (let i = keep; i < candidates.length; i++) (candidates[i] as PrefixNode).alive = -2;
    }
    const scored = beam.map((n, i) => ({ n, lp: logAdd(beamPb[i] as number, beamPnb[i] as number) }));
    scored.sort((x, y) => y.lp + bonus * y.n.length - (x.lp + bonus * x.n.length));
    results.push(scored.slice(0, nBest).map((s) => unwind(s.n, s.lp)));
  }
  return results;
}

/** Prefix beam search, best hypothesis per utterance (see {@link ctcBeamDecodeNBest}). */
export function ctcBeamDecode(scores: CtcScores, options: CtcBeamOptions = {}): CtcHypothesis[] {
  return ctcBeamDecodeNBest(scores, { ...options, nBest: 1 }).map((h) => h[0] as CtcHypothesis);
}
