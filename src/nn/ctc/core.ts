/**
 * CTC forward-backward over typed arrays (Graves et al. 2006), the numeric core of `ctcLoss`.
 *
 * For each utterance it returns the negative log-likelihood of its label sequence and, when asked,
 * the gradient with respect to the logits, `softmax(logits) - posterior occupancy`, which is what
 * torch's `ctc_loss` backward produces on `log_softmax(logits)` input.
 *
 * Speed: the recursions run in the probability domain with per-frame rescaling (Rabiner's
 * scaling), which needs no exp/log per lattice cell. That is exact as long as no in-lattice
 * value leaves float64's normal range; the code checks every cell and, when one falls below
 * `UNDERFLOW`, recomputes that utterance in log space (the same recursions with log-add-exp), so
 * peaky or extreme posteriors give the log-space answer. Lattice cells are restricted to the
 * states that can still be reached from the start and can still reach the end in the frames
 * left, so every computed cell is structurally non-zero and a tiny value means real underflow.
 */
import { HibikiError } from '../../errors.js';

/** Memory layout of a [batch, frames, classes] tensor: tfjs models give 'BTC', torch uses 'TBC'. */
export type CtcLayout = 'BTC' | 'TBC';

/** Inputs of {@link ctcForwardBackward}. */
export interface CtcInputs {
  /** Unnormalised scores (log_softmax is applied inside), row-major in `layout`. */
  logits: Float32Array | Float64Array;
  batch: number;
  /** Padded frame count T. */
  frames: number;
  /** Output classes C, blank included. */
  classes: number;
  layout: CtcLayout;
  /** Label sequence of each utterance (no blanks), values in [0, classes). */
  labels: ReadonlyArray<ArrayLike<number>>;
  /** Valid frames of each utterance, 0 <= length <= frames. */
  inputLengths: ArrayLike<number>;
  /** Blank class index. */
  blank: number;
}

/** Per-frame KL(prior || p_t) regulariser added to the gradient (CTC label smoothing). */
export interface CtcPriorTerm {
  /** Prior over the classes, length C, sums to 1. */
  prior: ArrayLike<number>;
  /** Gradient weight of utterance b's mean-over-frames KL. */
  weights: ArrayLike<number>;
}

/** Options of {@link ctcForwardBackward}. */
export interface CtcCoreOptions {
  /**
   * When given, the gradient of `sum_b gradWeights[b] * nll_b` is returned (zeros for t >= length).
   * A weight of 0 skips the utterance's backward pass. Utterances with an infinite loss get NaN
   * gradients on their valid frames (as torch) unless their weight is 0.
   */
  gradWeights?: ArrayLike<number>;
  /** Adds `sum_b weights[b] * mean_t KL(prior || p_t)` to the gradient and returns the KL values. */
  priorTerm?: CtcPriorTerm;
  /** Utterances with an infinite loss get a zero gradient instead of NaN (torch's zero_infinity). */
  zeroInfinity?: boolean;
  /** Always use the log-space recursions (tests compare both paths). */
  forceLogSpace?: boolean;
}

/** Outputs of {@link ctcForwardBackward}. */
export interface CtcCoreResult {
  /** -log p(labels | logits) per utterance; Infinity when no alignment fits in the frames. */
  nll: Float64Array;
  /** Mean over valid frames of KL(prior || p_t) per utterance (zeros without `priorTerm`). */
  priorKl: Float64Array;
  /** Gradient in the input layout, when `gradWeights` was given. */
  grad: Float32Array | null;
  /** 1 where the utterance was computed in log space. */
  usedLogSpace: Uint8Array;
}

/** Cells below this (relative to their frame's scale) trigger the log-space recomputation. */
const UNDERFLOW = 1e-280;

/** Reusable buffers, grown on demand, so steady-state training allocates nothing per call. */
class Workspace {
  lp = new Float64Array(0);
  pr = new Float64Array(0);
  alpha = new Float64Array(0);
  beta = new Float64Array(0);
  q = new Float64Array(0);
  ext = new Int32Array(0);
  skip = new Uint8Array(0);
  reach = new Int32Array(0);
  need = new Int32Array(0);
  lo = new Int32Array(0);
  hi = new Int32Array(0);
  z = new Float64Array(0);
  ensure(tc: number, ts: number, s: number, t: number): void {
    if (this.lp.length < tc) {
      this.lp = new Float64Array(tc);
      this.pr = new Float64Array(tc);
    }
    if (this.alpha.length < ts) {
      this.alpha = new Float64Array(ts);
      this.beta = new Float64Array(ts);
    }
    if (this.ext.length < s) {
      this.ext = new Int32Array(s);
      this.skip = new Uint8Array(s);
      this.q = new Float64Array(s);
      this.reach = new Int32Array(s);
      this.need = new Int32Array(s);
    }
    if (this.lo.length < t) {
      this.lo = new Int32Array(t);
      this.hi = new Int32Array(t);
      this.z = new Float64Array(t);
    }
  }
}
const ws = new Workspace();

function bad(code: string, message: string, expected: string, found: string): HibikiError {
  return new HibikiError(code, message, { expected, found });
}

function validate(inp: CtcInputs): void {
  const { batch, frames, classes, blank } = inp;
  if (!Number.isInteger(classes) || classes < 1) throw bad('CTC_BAD_SHAPE', 'CTC needs at least one class', 'classes >= 1', String(classes));
  if (inp.logits.length !== batch * frames * classes) {
    throw bad('CTC_BAD_SHAPE', 'logits size does not match batch * frames * classes', String(batch * frames * classes), String(inp.logits.length));
  }
  if (!Number.isInteger(blank) || blank < 0 || blank >= classes) throw bad('CTC_BAD_BLANK', 'blank index out of range', `0..${classes - 1}`, String(blank));
  if (inp.labels.length !== batch) throw bad('CTC_BAD_LABELS', 'one label sequence per utterance', String(batch), String(inp.labels.length));
  if (inp.inputLengths.length !== batch) throw bad('CTC_BAD_LENGTHS', 'one input length per utterance', String(batch), String(inp.inputLengths.length));
  for (let b = 0; b < batch; b++) {
    const len = inp.inputLengths[b] as number;
    if (!Number.isInteger(len) || len < 0 || len > frames) {
      throw bad('CTC_BAD_LENGTHS', `input length of utterance ${b} out of range`, `integer 0..${frames}`, String(len));
    }
    const lab = inp.labels[b] as ArrayLike<number>;
    for (let i = 0; i < lab.length; i++) {
      const k = lab[i] as number;
      if (!Number.isInteger(k) || k < 0 || k >= classes || k === blank) {
        throw bad('CTC_BAD_LABELS', `label ${i} of utterance ${b} is not a non-blank class`, `integer in 0..${classes - 1}, not the blank ${blank}`, String(k));
      }
    }
  }
}

/**
 * Runs CTC forward (and backward when `gradWeights` is given) for a batch.
 * @returns per-utterance NLL (nats), optional prior KL, and the gradient w.r.t. the logits
 */
export function ctcForwardBackward(inp: CtcInputs, options: CtcCoreOptions = {}): CtcCoreResult {
  validate(inp);
  const { batch: B, frames: T, classes: C, blank } = inp;
  const nll = new Float64Array(B);
  const priorKl = new Float64Array(B);
  const usedLogSpace = new Uint8Array(B);
  const grad = options.gradWeights !== undefined ? new Float32Array(B * T * C) : null;
  const prior = options.priorTerm?.prior;
  let logPrior: Float64Array | null = null;
  if (prior !== undefined) {
    if (prior.length !== C) throw bad('CTC_BAD_PRIOR', 'prior length must equal the number of classes', String(C), String(prior.length));
    logPrior = new Float64Array(C);
    for (let k = 0; k < C; k++) logPrior[k] = (prior[k] as number) > 0 ? Math.log(prior[k] as number) : 0;
  }
  // Offset of (b, t, 0) and the stride between frames, for either layout.
  const frameStride = inp.layout === 'BTC' ? C : B * C;
  for (let b = 0; b < B; b++) {
    const base = inp.layout === 'BTC' ? b * T * C : b * C;
    const Tb = inp.inputLengths[b] as number;
    const lab = inp.labels[b] as ArrayLike<number>;
    const L = lab.length;
    const S = 2 * L + 1;
    ws.ensure(Tb * C, Tb * S, S, Tb);
    logSoftmaxRows(inp.logits, base, frameStride, Tb, C, ws.lp, ws.pr);
    if (logPrior !== null && Tb > 0) priorKl[b] = meanPriorKl(prior as ArrayLike<number>, logPrior, ws.lp, Tb, C);
    const ext = ws.ext;
    const skip = ws.skip;
    for (let s = 0; s < S; s++) {
      ext[s] = s % 2 === 0 ? blank : (lab[(s - 1) >> 1] as number);
      skip[s] = s % 2 === 1 && s >= 3 && ext[s] !== ext[s - 2] ? 1 : 0;
    }
    const feasible = Tb > 0 && lattice(S, Tb, skip);
    let weight = options.gradWeights === undefined ? 0 : (options.gradWeights[b] as number);
    if (Tb === 0) {
      // No frames: only the empty label sequence has an (empty, probability 1) alignment.
      nll[b] = L === 0 ? 0 : Infinity;
    } else if (!feasible) {
      nll[b] = Infinity;
      if (options.zeroInfinity === true) weight = 0;
    } else {
      let value = options.forceLogSpace === true ? NaN : scaledPass(Tb, C, S, weight !== 0);
      if (Number.isNaN(value)) {
        usedLogSpace[b] = 1;
        value = logPass(Tb, C, S, weight !== 0);
      }
      nll[b] = value;
    }
    if (grad === null) continue;
    // ws.pr now holds softmax - occupancy for this utterance (when its backward ran).
    const kw = options.priorTerm === undefined || Tb === 0 ? 0 : (options.priorTerm.weights[b] as number) / Tb;
    const w = weight === 0 ? 0 : feasible ? weight : NaN;
    const { pr, lp } = ws;
    for (let t = 0; t < Tb; t++) {
      const o = base + t * frameStride;
      const r = t * C;
      if (w !== 0) for (let k = 0; k < C; k++) grad[o + k] = w * (pr[r + k] as number);
      if (kw !== 0) {
        const pk = prior as ArrayLike<number>;
        for (let k = 0; k < C; k++) grad[o + k] = (grad[o + k] as number) + kw * (Math.exp(lp[r + k] as number) - (pk[k] as number));
      }
    }
  }
  return { nll, priorKl, grad, usedLogSpace };
}

/** log_softmax of `rows` rows of C logits into lp, softmax into pr (both [rows, C] contiguous). */
function logSoftmaxRows(x: ArrayLike<number>, base: number, stride: number, rows: number, C: number, lp: Float64Array, pr: Float64Array): void {
  for (let t = 0; t < rows; t++) {
    const o = base + t * stride;
    const r = t * C;
    let m = -Infinity;
    for (let k = 0; k < C; k++) if ((x[o + k] as number) > m) m = x[o + k] as number;
    let sum = 0;
    for (let k = 0; k < C; k++) {
      const e = Math.exp((x[o + k] as number) - m);
      pr[r + k] = e;
      sum += e;
    }
    const lse = m + Math.log(sum);
    const inv = 1 / sum;
    for (let k = 0; k < C; k++) {
      lp[r + k] = (x[o + k] as number) - lse;
      pr[r + k] = (pr[r + k] as number) * inv;
    }
  }
}

/** Mean over the Tb frames of KL(prior || p_t) = sum_k prior_k (log prior_k - log p_t(k)). */
function meanPriorKl(prior: ArrayLike<number>, logPrior: Float64Array, lp: Float64Array, Tb: number, C: number): number {
  let total = 0;
  for (let t = 0; t < Tb; t++) {
    const r = t * C;
    for (let k = 0; k < C; k++) {
      const pk = prior[k] as number;
      if (pk > 0) total += pk * ((logPrior[k] as number) - (lp[r + k] as number));
    }
  }
  return total / Tb;
}

/**
 * Live states per frame: state s is live at t when it can be reached in t+1 frames and can reach a
 * final state in the Tb-t frames left. Fills lo[t]..hi[t] (inclusive); false when no alignment fits.
 */
function lattice(S: number, Tb: number, skip: Uint8Array): boolean {
  const { reach, need, lo, hi } = ws;
  // reach[s]: fewest frames to be in s (inclusive); need[s]: fewest frames from s to the end.
  // Both are monotone in s, so the live set of each frame is one interval.
  reach[0] = 1;
  if (S > 1) reach[1] = 1;
  for (let s = 2; s < S; s++) reach[s] = 1 + Math.min(reach[s - 1] as number, skip[s] === 1 ? (reach[s - 2] as number) : 1 << 30);
  need[S - 1] = 1;
  if (S > 1) need[S - 2] = 1;
  for (let s = S - 3; s >= 0; s--) {
    need[s] = 1 + Math.min(need[s + 1] as number, s + 2 < S && skip[s + 2] === 1 ? (need[s + 2] as number) : 1 << 30);
  }
  if (Math.min(need[0] as number, S > 1 ? (need[1] as number) : (need[0] as number)) > Tb) return false;
  let h = 0;
  let l = 0;
  for (let t = 0; t < Tb; t++) {
    while (h + 1 < S && (reach[h + 1] as number) <= t + 1) h++;
    while ((need[l] as number) > Tb - t) l++;
    lo[t] = l;
    hi[t] = h;
  }
  return true;
}

/**
 * Scaled-probability forward-backward for the utterance in the workspace. Returns the NLL, or NaN
 * when a live cell underflowed (the caller then uses {@link logPass}). With `backward`, overwrites
 * ws.pr with softmax - occupancy.
 */
function scaledPass(Tb: number, C: number, S: number, backward: boolean): number {
  const { pr, alpha, beta, ext, skip, lo, hi, q } = ws;
  let logScale = 0;
  // Forward.
  for (let t = 0; t < Tb; t++) {
    const row = t * S;
    const prow = t * C;
    const l = lo[t] as number;
    const h = hi[t] as number;
    alpha.fill(0, row, row + S);
    let sum = 0;
    if (t === 0) {
      for (let s = l; s <= h; s++) {
        const v = pr[prow + (ext[s] as number)] as number;
        if (!(v >= UNDERFLOW)) return NaN;
        alpha[s] = v;
        sum += v;
      }
    } else {
      const prev = row - S;
      for (let s = l; s <= h; s++) {
        let a = alpha[prev + s] as number;
        if (s > 0) a += alpha[prev + s - 1] as number;
        if (skip[s] === 1) a += alpha[prev + s - 2] as number;
        const v = a * (pr[prow + (ext[s] as number)] as number);
        if (!(v >= UNDERFLOW)) return NaN;
        alpha[row + s] = v;
        sum += v;
      }
    }
    const inv = 1 / sum;
    for (let s = l; s <= h; s++) alpha[row + s] = (alpha[row + s] as number) * inv;
    logScale += Math.log(sum);
  }
  const last = (Tb - 1) * S;
  let final = alpha[last + S - 1] as number;
  if (S > 1) final += alpha[last + S - 2] as number;
  const nll = -(logScale + Math.log(final));
  if (!backward) return nll;
  // Backward: beta_t(s) excludes frame t's emission, so alpha_t(s) * beta_t(s) is proportional to
  // the occupancy of s at t; each frame is normalised on its own.
  for (let t = Tb - 1; t >= 0; t--) {
    const row = t * S;
    const l = lo[t] as number;
    const h = hi[t] as number;
    if (t === Tb - 1) {
      for (let s = l; s <= h; s++) beta[row + s] = 1;
    } else {
      const next = row + S;
      const nl = lo[t + 1] as number;
      const nh = hi[t + 1] as number;
      const prow = (t + 1) * C;
      q.fill(0, l, Math.min(S, h + 3));
      for (let s = nl; s <= nh; s++) q[s] = (beta[next + s] as number) * (pr[prow + (ext[s] as number)] as number);
      let sum = 0;
      for (let s = l; s <= h; s++) {
        let v = q[s] as number;
        if (s + 1 < S) v += q[s + 1] as number;
        if (s + 2 < S && skip[s + 2] === 1) v += q[s + 2] as number;
        if (!(v >= UNDERFLOW)) return NaN;
        beta[row + s] = v;
        sum += v;
      }
      const inv = 1 / sum;
      for (let s = l; s <= h; s++) beta[row + s] = (beta[row + s] as number) * inv;
    }
  }
  // Occupancy normalisers, all checked before pr is touched so a fallback finds the softmax intact.
  const zt = ws.z;
  for (let t = 0; t < Tb; t++) {
    const row = t * S;
    let z = 0;
    for (let s = lo[t] as number; s <= (hi[t] as number); s++) z += (alpha[row + s] as number) * (beta[row + s] as number);
    if (!(z >= 1e-250) || !Number.isFinite(z)) return NaN;
    zt[t] = 1 / z;
  }
  for (let t = 0; t < Tb; t++) {
    const row = t * S;
    const prow = t * C;
    const l = lo[t] as number;
    const h = hi[t] as number;
    const inv = zt[t] as number;
    for (let s = l; s <= h; s++) {
      const k = prow + (ext[s] as number);
      pr[k] = (pr[k] as number) - (alpha[row + s] as number) * (beta[row + s] as number) * inv;
    }
  }
  return nll;
}

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** Log-space forward-backward (the fallback). Same contract as {@link scaledPass}, never NaN. */
function logPass(Tb: number, C: number, S: number, backward: boolean): number {
  const { lp, pr, alpha, beta, ext, skip, lo, hi } = ws;
  for (let t = 0; t < Tb; t++) {
    const row = t * S;
    const prow = t * C;
    alpha.fill(-Infinity, row, row + S);
    for (let s = lo[t] as number; s <= (hi[t] as number); s++) {
      let a: number;
      if (t === 0) a = 0;
      else {
        const prev = row - S;
        a = alpha[prev + s] as number;
        if (s > 0) a = logAdd(a, alpha[prev + s - 1] as number);
        if (skip[s] === 1) a = logAdd(a, alpha[prev + s - 2] as number);
      }
      alpha[row + s] = a + (lp[prow + (ext[s] as number)] as number);
    }
  }
  const last = (Tb - 1) * S;
  const logP = S > 1 ? logAdd(alpha[last + S - 1] as number, alpha[last + S - 2] as number) : (alpha[last] as number);
  if (!backward) return -logP;
  for (let t = Tb - 1; t >= 0; t--) {
    const row = t * S;
    beta.fill(-Infinity, row, row + S);
    for (let s = lo[t] as number; s <= (hi[t] as number); s++) {
      if (t === Tb - 1) {
        beta[row + s] = 0;
        continue;
      }
      const next = row + S;
      const prow = (t + 1) * C;
      let v = (beta[next + s] as number) + (lp[prow + (ext[s] as number)] as number);
      if (s + 1 < S) v = logAdd(v, (beta[next + s + 1] as number) + (lp[prow + (ext[s + 1] as number)] as number));
      if (s + 2 < S && skip[s + 2] === 1) v = logAdd(v, (beta[next + s + 2] as number) + (lp[prow + (ext[s + 2] as number)] as number));
      beta[row + s] = v;
    }
  }
  for (let t = 0; t < Tb; t++) {
    const row = t * S;
    const prow = t * C;
    for (let s = lo[t] as number; s <= (hi[t] as number); s++) {
      const k = prow + (ext[s] as number);
      pr[k] = (pr[k] as number) - Math.exp((alpha[row + s] as number) + (beta[row + s] as number) - logP);
    }
  }
  return -logP;
}
