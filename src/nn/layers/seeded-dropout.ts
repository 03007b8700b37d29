/**
 * Dropout whose masks come from hibiki's seed, reproducibly, and differ from step to step.
 * tfjs's own `tf.layers.dropout({seed})` reuses one seed for every call, so each step drops the
 * same units (a fixed pruning, not dropout); without a seed it uses Math.random and cannot be
 * reproduced or resumed. Here the mask of call c after `setDropoutStep(model, s)` is drawn with
 * seed hash(seed, s, c), so a resumed run that sets the step again draws the same masks.
 */
import * as tf from '@tensorflow/tfjs';

export interface SeededDropoutArgs {
  rate: number;
  seed: number;
  name?: string;
}

function mix(a: number, b: number, c: number): number {
  let h = (a ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (b >>> 0), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (c >>> 0) ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export class SeededDropout extends tf.layers.Layer {
  static className = 'HibikiSeededDropout';
  readonly rate: number;
  readonly seed: number;
  private step = 0;
  private calls = 0;

  constructor(args: SeededDropoutArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.rate = args.rate;
    this.seed = args.seed >>> 0;
    this.supportsMasking = true;
  }

  /** Makes the next masks a function of (seed, step, call index); call once per training step. */
  setStep(step: number): void {
    this.step = step;
    this.calls = 0;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (kwargs['training'] !== true || this.rate === 0) return x;
    const seed = mix(this.seed, this.step, this.calls++);
    return tf.tidy(() => {
      const keep = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', seed), this.rate), 'float32');
      return tf.mul(x, tf.mul(keep, 1 / (1 - this.rate)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
tf.serialization.registerClass(SeededDropout);

/** Sets the dropout step of every SeededDropout layer in `model` (call before each training step). */
export function setDropoutStep(model: tf.LayersModel, step: number): void {
  for (const layer of model.layers) if (layer instanceof SeededDropout) layer.setStep(step);
}
