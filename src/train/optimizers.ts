/**
 * Optimisers written on tf ops, so that their whole state (moments, step count) is ours to save
 * and restore bit for bit, and so that AdamW (decoupled weight decay, Loshchilov & Hutter 2019),
 * which tfjs lacks, exists. Update rules follow PyTorch's `torch.optim` (Adam, AdamW, SGD with
 * momentum/Nesterov), and the tests compare against values PyTorch produced.
 *
 * On the wasm backend each variable's update is ONE fused kernel call (src/nn/wasm/fused-optimizer.ts:
 * a single SIMD pass over w, g and the moments) instead of about 13 tf ops; it performs the same
 * f32 operations in the same order, so both paths give the same bits. Other backends use tf ops.
 */
import * as tf from '@tensorflow/tfjs';
import { HibikiError } from '../errors.js';
import { activeHeapKernels, fusedAdamUpdate, fusedSgdUpdate } from '../nn/wasm/fused-optimizer.js';

/** Resolved optimiser settings. */
export interface OptimizerConfig {
  type: 'adam' | 'adamw' | 'sgd';
  /** Base learning rate (the schedule scales it). */
  learningRate: number;
  /** Adam(W) first-moment decay. Default 0.9. */
  beta1: number;
  /** Adam(W) second-moment decay. Default 0.999. */
  beta2: number;
  /** Adam(W) denominator epsilon. Default 1e-8. */
  epsilon: number;
  /**
   * Weight decay. For `adamw` decoupled: `w <- w * (1 - lr*wd)` before the Adam step (default 0.01);
   * for `adam` and `sgd` coupled L2: `g <- g + wd*w` (default 0).
   */
  weightDecay: number;
  /** Which variables decay: `all`, or `kernels` (rank >= 2, i.e. not biases or norm scales). Default `all`. */
  decayOn: 'all' | 'kernels';
  /** SGD momentum. Default 0. */
  momentum: number;
  /** SGD Nesterov momentum. Default false. */
  nesterov: boolean;
}

/** Defaults for optional optimiser fields, by type. */
export function resolveOptimizerConfig(c: Partial<OptimizerConfig> & Pick<OptimizerConfig, 'type' | 'learningRate'>): OptimizerConfig {
  return {
    type: c.type,
    learningRate: c.learningRate,
    beta1: c.beta1 ?? 0.9,
    beta2: c.beta2 ?? 0.999,
    epsilon: c.epsilon ?? 1e-8,
    weightDecay: c.weightDecay ?? (c.type === 'adamw' ? 0.01 : 0),
    decayOn: c.decayOn ?? 'all',
    momentum: c.momentum ?? 0,
    nesterov: c.nesterov ?? false,
  };
}

/** Serialisable optimiser state: named slot tensors plus the update count. */
export interface OptimizerState {
  /** Updates applied so far (Adam's bias correction uses it). */
  updates: number;
  /** One entry per slot variable, in a fixed order. */
  slots: { name: string; shape: number[]; values: Float32Array }[];
}

/** Construction options that do not change the results. */
export interface OptimizerOptions {
  /** Use the fused wasm update kernel when the wasm backend is active. Default true (tests compare both). */
  fused?: boolean;
}

/** An optimiser bound to a fixed list of variables. */
export class Optimizer {
  private updates = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private readonly decays: boolean[];
  private readonly fused: boolean;

  /**
   * @param config resolved settings
   * @param vars the trainable variables, in the order gradients will be passed
   */
  constructor(
    readonly config: OptimizerConfig,
    private readonly vars: tf.Variable[],
    options: OptimizerOptions = {},
  ) {
    this.fused = options.fused ?? true;
    // Unnamed: tfjs variable names are global, and two optimisers may serve the same variables.
    const zeros = (x: tf.Variable): tf.Variable => tf.variable(tf.zerosLike(x), false);
    const needsM = config.type !== 'sgd' || config.momentum > 0;
    this.m = needsM ? vars.map((x) => zeros(x)) : [];
    this.v = config.type === 'sgd' ? [] : vars.map((x) => zeros(x));
    this.decays = vars.map((x) => config.decayOn === 'all' || x.rank >= 2);
  }

  /**
   * Applies one update.
   * @param grads one gradient per variable (same order and shapes)
   * @param lr learning rate of this step (after the schedule)
   */
  apply(grads: tf.Tensor[], lr: number): void {
    const c = this.config;
    this.updates += 1;
    const t = this.updates;
    tf.tidy(() => {
      const fused = this.fused && activeHeapKernels() !== null;
      for (let i = 0; i < this.vars.length; i++) {
        const w = this.vars[i]!;
        let g = grads[i]!;
        const wd = this.decays[i]! ? c.weightDecay : 0;
        if (fused && this.fusedStep(i, g, lr, t, wd)) continue;
        if (c.type === 'adamw') {
          const decayed = wd > 0 ? tf.mul(w, 1 - lr * wd) : w;
          this.adamStep(i, decayed, g, lr, t);
        } else {
          if (wd > 0) g = tf.add(g, tf.mul(w, wd));
          if (c.type === 'adam') this.adamStep(i, w, g, lr, t);
          else this.sgdStep(i, w, g, lr);
        }
      }
    });
  }

  /** The update as one fused kernel call; false when the kernel cannot take these tensors. */
  private fusedStep(i: number, g: tf.Tensor, lr: number, t: number, wd: number): boolean {
    const c = this.config;
    const w = this.vars[i]!;
    if (c.type === 'sgd') {
      const kind = c.momentum > 0 ? (c.nesterov ? 'nesterov' : 'momentum') : 'plain';
      const out = fusedSgdUpdate(w, g, kind === 'plain' ? null : this.m[i]!, { kind, lr, momentum: c.momentum, weightDecay: wd });
      if (out === null) return false;
      if (out[1] !== null) this.m[i]!.assign(out[1]);
      w.assign(out[0]);
      return true;
    }
    const kind = wd > 0 ? (c.type === 'adamw' ? 'decay' : 'l2') : 'plain';
    const out = fusedAdamUpdate(w, g, this.m[i]!, this.v[i]!, {
      kind,
      beta1: c.beta1,
      beta2: c.beta2,
      sqrtBc2: Math.sqrt(1 - Math.pow(c.beta2, t)),
      epsilon: c.epsilon,
      stepSize: lr / (1 - Math.pow(c.beta1, t)),
      extra: kind === 'decay' ? 1 - lr * wd : wd,
    });
    if (out === null) return false;
    w.assign(out[0]);
    this.m[i]!.assign(out[1]);
    this.v[i]!.assign(out[2]);
    return true;
  }

  private adamStep(i: number, w: tf.Tensor, g: tf.Tensor, lr: number, t: number): void {
    const c = this.config;
    const m = this.m[i]!;
    const v = this.v[i]!;
    const m1 = tf.add(tf.mul(m, c.beta1), tf.mul(g, 1 - c.beta1));
    const v1 = tf.add(tf.mul(v, c.beta2), tf.mul(tf.square(g), 1 - c.beta2));
    const bc1 = 1 - Math.pow(c.beta1, t);
    const bc2 = 1 - Math.pow(c.beta2, t);
    // PyTorch's form: w -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps)
    const denom = tf.add(tf.div(tf.sqrt(v1), Math.sqrt(bc2)), c.epsilon);
    const update = tf.mul(tf.div(m1, denom), lr / bc1);
    m.assign(m1);
    v.assign(v1);
    this.vars[i]!.assign(tf.sub(w, update));
  }

  private sgdStep(i: number, w: tf.Tensor, g: tf.Tensor, lr: number): void {
    const c = this.config;
    let direction = g;
    if (c.momentum > 0) {
      const buf = tf.add(tf.mul(this.m[i]!, c.momentum), g);
      this.m[i]!.assign(buf);
      direction = c.nesterov ? tf.add(g, tf.mul(buf, c.momentum)) : buf;
    }
    this.vars[i]!.assign(tf.sub(w, tf.mul(direction, lr)));
  }

  /** Snapshot of the state (copies), for checkpoints. */
  getState(): OptimizerState {
    const slots: OptimizerState['slots'] = [];
    const add = (list: tf.Variable[], tag: string): void => {
      list.forEach((x, i) => slots.push({ name: `${tag}/${i}`, shape: x.shape, values: x.dataSync() as Float32Array }));
    };
    add(this.m, 'm');
    add(this.v, 'v');
    return { updates: this.updates, slots };
  }

  /** Restores a snapshot from `getState` (checked slot by slot). */
  setState(state: OptimizerState): void {
    const mine = [...this.m.map((x, i) => [`m/${i}`, x] as const), ...this.v.map((x, i) => [`v/${i}`, x] as const)];
    if (mine.length !== state.slots.length) {
      throw new HibikiError('CHECKPOINT_MISMATCH', 'optimiser state does not fit this optimiser', {
        expected: `${mine.length} slot tensors (${this.config.type})`,
        found: String(state.slots.length),
      });
    }
    mine.forEach(([name, x], i) => {
      const s = state.slots[i]!;
      if (s.name !== name || s.shape.join('x') !== x.shape.join('x')) {
        throw new HibikiError('CHECKPOINT_MISMATCH', 'optimiser slot does not fit this model', {
          expected: `${name} [${x.shape.join(', ')}]`,
          found: `${s.name} [${s.shape.join(', ')}]`,
        });
      }
      x.assign(tf.tensor(s.values, s.shape, 'float32'));
    });
    this.updates = state.updates;
  }

  /** Frees the slot variables. */
  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}
