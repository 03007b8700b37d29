/**
 * CTC loss as a differentiable tfjs op (TensorFlow.js has none), with optional CTC label
 * smoothing `L_ctc + eps * mean_t KL(prior || p_t)` (DESIGN.md, "The label smoothing family").
 *
 * The op takes LOGITS and applies log_softmax itself; its value and gradient equal
 * `torch.nn.functional.ctc_loss(logits.log_softmax(-1), ...)` differentiated with respect to the
 * logits (torch's ctc_loss takes log-probabilities in [T, B, C]; here the layout is chosen with
 * `layout`, default 'BTC' = [batch, frames, classes] as tfjs models produce). Passing
 * log-probabilities is also fine: log_softmax leaves them unchanged and the gradient is the same.
 * The numbers are computed on the CPU over typed arrays (src/nn/ctc/core.ts) whatever the tfjs
 * backend, so cpu, wasm and native backends give identical results.
 */
import * as tf from '@tensorflow/tfjs';
import { HibikiError } from '../../errors.js';
import { ctcForwardBackward, type CtcLayout } from './core.js';

/** How per-utterance losses are combined (torch's semantics). */
export type CtcReduction = 'none' | 'mean' | 'sum';

/** CTC label smoothing: adds `epsilon * mean over valid frames of KL(prior || p_t)`. */
export interface CtcSmoothing {
  /** Weight of the KL term, >= 0. */
  epsilon: number;
  /** Prior over the C classes (blank included), non-negative, summing to 1 (see ctcPriorFromTranscripts). */
  prior: ArrayLike<number>;
}

/** Options of {@link ctcLoss}. */
export interface CtcLossOptions {
  /** Valid frames per utterance; default: all frames. */
  inputLengths?: ArrayLike<number>;
  /** Blank class index; default 0. */
  blank?: number;
  /**
   * 'mean' (default): each utterance's loss divided by its label length (at least 1), then the
   * mean over the batch, as torch. 'sum': sum over the batch. 'none': a [batch] vector.
   * The smoothing term is not divided by the label length: it is already a mean over frames.
   */
  reduction?: CtcReduction;
  /** Infinite losses (no alignment fits in the frames) and their gradients become 0; default false. */
  zeroInfinity?: boolean;
  /** Memory layout of `logits`; default 'BTC'. */
  layout?: CtcLayout;
  /** CTC label smoothing; default none. */
  smoothing?: CtcSmoothing;
}

/**
 * Label sequences for {@link ctcLoss} from a padded `[batch, maxLabelLength]` matrix (the layout
 * of the utterance batches) and per-utterance lengths. Returns views, not copies.
 */
export function ctcLabelsFromPadded(labels: Int32Array, labelLengths: ArrayLike<number>, maxLabelLength: number): Int32Array[] {
  const batch = labelLengths.length;
  if (labels.length !== batch * maxLabelLength) {
    throw new HibikiError('CTC_BAD_LABELS', 'padded labels size does not match batch * maxLabelLength', {
      expected: String(batch * maxLabelLength),
      found: String(labels.length),
    });
  }
  const out: Int32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const len = labelLengths[b] as number;
    if (!Number.isInteger(len) || len < 0 || len > maxLabelLength) {
      throw new HibikiError('CTC_BAD_LABELS', `label length of utterance ${b} out of range`, { expected: `0..${maxLabelLength}`, found: String(len) });
    }
    out.push(labels.subarray(b * maxLabelLength, b * maxLabelLength + len));
  }
  return out;
}

function checkSmoothing(s: CtcSmoothing, classes: number): void {
  if (!(s.epsilon >= 0) || !Number.isFinite(s.epsilon)) {
    throw new HibikiError('CTC_BAD_SMOOTHING', 'smoothing epsilon must be a finite number >= 0', { expected: '>= 0', found: String(s.epsilon) });
  }
  if (s.prior.length !== classes) {
    throw new HibikiError('CTC_BAD_PRIOR', 'prior length must equal the number of classes', { expected: String(classes), found: String(s.prior.length) });
  }
  let sum = 0;
  for (let k = 0; k < classes; k++) {
    const p = s.prior[k] as number;
    if (!(p >= 0)) throw new HibikiError('CTC_BAD_PRIOR', 'prior probabilities must be >= 0', { expected: '>= 0', found: `${p} at class ${k}` });
    sum += p;
  }
  if (Math.abs(sum - 1) > 1e-4) throw new HibikiError('CTC_BAD_PRIOR', 'prior must sum to 1', { expected: '1', found: String(sum) });
}

/**
 * CTC loss of `logits` for the given label sequences.
 * @param logits [batch, frames, classes] ('BTC') or [frames, batch, classes] ('TBC'), float32
 * @param labels one label sequence per utterance (class indices, no blanks, may be empty)
 * @returns scalar for 'mean'/'sum', [batch] for 'none'; differentiable w.r.t. `logits`
 */
export function ctcLoss(logits: tf.Tensor3D, labels: ReadonlyArray<ArrayLike<number>>, options: CtcLossOptions = {}): tf.Tensor {
  const layout = options.layout ?? 'BTC';
  const reduction = options.reduction ?? 'mean';
  const blank = options.blank ?? 0;
  const [d0, d1, classes] = logits.shape;
  const batch = layout === 'BTC' ? d0 : d1;
  const frames = layout === 'BTC' ? d1 : d0;
  const inputLengths = options.inputLengths ?? new Int32Array(batch).fill(frames);
  const smoothing = options.smoothing;
  if (smoothing !== undefined) checkSmoothing(smoothing, classes);
  const eps = smoothing?.epsilon ?? 0;

  // Weights w_b such that the reduced loss is sum_b w_b * loss_b (for 'none', dy supplies them).
  const ctcWeights = new Float64Array(batch);
  const klWeights = new Float64Array(batch);
  for (let b = 0; b < batch; b++) {
    const len = labels[b]?.length ?? 0;
    ctcWeights[b] = reduction === 'mean' ? 1 / (Math.max(len, 1) * batch) : 1;
    klWeights[b] = eps * (reduction === 'mean' ? 1 / batch : 1);
  }

  const op = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = inputs[0] as tf.Tensor;
    const r = ctcForwardBackward(
      { logits: x.dataSync() as Float32Array, batch, frames, classes, layout, labels, inputLengths, blank },
      {
        gradWeights: ctcWeights,
        zeroInfinity: options.zeroInfinity ?? false,
        ...(smoothing !== undefined ? { priorTerm: { prior: smoothing.prior, weights: klWeights } } : {}),
      },
    );
    const perUtt = new Float32Array(batch);
    let reduced = 0;
    for (let b = 0; b < batch; b++) {
      let l = r.nll[b] as number;
      if (l === Infinity && options.zeroInfinity === true) l = 0;
      perUtt[b] = l + eps * (r.priorKl[b] as number);
      reduced += (ctcWeights[b] as number) * l + (klWeights[b] as number) * (r.priorKl[b] as number);
    }
    const value: tf.Tensor = reduction === 'none' ? tf.tensor1d(perUtt) : tf.scalar(reduced);
    const grad = r.grad as Float32Array;
    const gradFunc = (dy: tf.Tensor): tf.Tensor => {
      const g = tf.tensor3d(grad, logits.shape);
      if (reduction !== 'none') return tf.mul(g, dy);
      return tf.mul(g, layout === 'BTC' ? tf.reshape(dy, [batch, 1, 1]) : tf.reshape(dy, [1, batch, 1]));
    };
    return { value, gradFunc };
  });
  return op(logits);
}
