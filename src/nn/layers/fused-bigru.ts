/**
 * A bidirectional GRU written for tfjs's per-kernel overhead. tf.layers.bidirectional(gru) spends
 * tens of kernel calls per frame and step (about 33k per 32x100-frame training step, ~19 us
 * each); here the input projections of all frames and both directions are one matmul, and the
 * recurrence of each direction is one op with a hand-written backward pass (gru-recurrence.ts).
 *
 * Cell (reset gate applied after the recurrent product, as cuDNN and Keras `resetAfter`):
 *   z = σ(x Wz + h Uz + bz),  r = σ(x Wr + h Ur + br),  n = tanh(x Wn + bn + r ⊙ (h Un + cn)),
 *   h' = n + z ⊙ (h − n)
 * Input [batch, frames, dim] -> output [batch, frames, 2*units] (forward ‖ backward), aligned
 * frame by frame. With an input mask (a Masking layer before it) masked frames keep the previous
 * state, so right-padding never reaches the real frames of the backward direction.
 */
import * as tf from '@tensorflow/tfjs';
import { gruRecurrence } from './gru-recurrence.js';

export interface FusedBiGRUArgs {
  units: number;
  name?: string;
  seed?: number;
}

export class FusedBiGRU extends tf.layers.Layer {
  static className = 'HibikiFusedBiGRU';
  readonly units: number;
  readonly seed: number | undefined;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;
  private recurrentFw: tf.LayerVariable | null = null;
  private recurrentBw: tf.LayerVariable | null = null;
  private recurrentBiasFw: tf.LayerVariable | null = null;
  private recurrentBiasBw: tf.LayerVariable | null = null;

  constructor(args: FusedBiGRUArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.units = args.units;
    this.seed = args.seed;
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const dim = shape[shape.length - 1] as number;
    const h = this.units;
    const s = this.seed;
    const seeded = (k: number): { seed?: number } => (s === undefined ? {} : { seed: s + k });
    // [dim, 6H]: columns [z r n] forward, then [z r n] backward.
    this.kernel = this.addWeight('kernel', [dim, 6 * h], 'float32', tf.initializers.glorotUniform(seeded(0)));
    this.bias = this.addWeight('bias', [6 * h], 'float32', tf.initializers.zeros());
    this.recurrentFw = this.addWeight('recurrent_kernel_fw', [h, 3 * h], 'float32', tf.initializers.glorotUniform(seeded(1)));
    this.recurrentBw = this.addWeight('recurrent_kernel_bw', [h, 3 * h], 'float32', tf.initializers.glorotUniform(seeded(2)));
    this.recurrentBiasFw = this.addWeight('recurrent_bias_fw', [3 * h], 'float32', tf.initializers.zeros());
    this.recurrentBiasBw = this.addWeight('recurrent_bias_bw', [3 * h], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0] ?? null, shape[1] ?? null, 2 * this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor3D;
    const maskIn = kwargs['mask'] as tf.Tensor | undefined;
    return tf.tidy(() => {
      const [b, t, d] = x.shape;
      const h = this.units;
      const proj = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [b * t, d]), this.kernel!.read()), this.bias!.read()), [b, t, 6 * h]);
      let mask: tf.Tensor2D | null = maskIn === undefined ? null : (tf.cast(tf.reshape(maskIn, [b, t]), 'float32') as tf.Tensor2D);
      // An all-ones mask (no padding in this batch) costs ops for nothing.
      if (mask !== null && tf.min(mask).dataSync()[0] === 1) mask = null;
      const fw = gruRecurrence(tf.slice(proj, [0, 0, 0], [b, t, 3 * h]) as tf.Tensor3D, this.recurrentFw!.read() as tf.Tensor2D, this.recurrentBiasFw!.read() as tf.Tensor1D, mask, false);
      const bw = gruRecurrence(tf.slice(proj, [0, 0, 3 * h], [b, t, 3 * h]) as tf.Tensor3D, this.recurrentBw!.read() as tf.Tensor2D, this.recurrentBiasBw!.read() as tf.Tensor1D, mask, true);
      return tf.concat([fw, bw], 2);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}
tf.serialization.registerClass(FusedBiGRU);
