/**
 * A TDNN layer (Kaldi's splice + affine): output frame t is `W · [x(t+o1); x(t+o2); ...] + b` for a
 * fixed set of frame offsets, e.g. [-3, 0, 3] for a dilation-3 kernel of size 3. tfjs's dilated
 * Conv1D has no gradient ("dilation rates greater than 1 are not yet supported in gradients"), so
 * the dilated convolution is written as a splice and one matmul. Edges repeat the first/last frame
 * (Kaldi's convention), so frames stay aligned with the input.
 *
 * On wasm and cpu the splice is one custom gather kernel with its own gradient (frame-gather.ts):
 * the slice + concat form spent most of a cpu training step copying non-contiguous slices element
 * by element. Other backends use the slice + concat form (`spliceWithOps`), the same maths.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherFrames, hasFrameGatherKernels } from './frame-gather.js';

export interface SpliceDenseArgs {
  units: number;
  /** Frame offsets, sorted ascending, e.g. [-2, -1, 0, 1, 2]. */
  offsets: number[];
  name?: string;
  /** Seed for the Glorot-uniform kernel initialiser. */
  seed?: number;
}

export class SpliceDense extends tf.layers.Layer {
  static className = 'HibikiSpliceDense';
  readonly units: number;
  readonly offsets: number[];
  readonly seed: number | undefined;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: SpliceDenseArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.units = args.units;
    this.offsets = [...args.offsets];
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const dim = shape[shape.length - 1] as number;
    const init = tf.initializers.glorotUniform(this.seed === undefined ? {} : { seed: this.seed });
    this.kernel = this.addWeight('kernel', [dim * this.offsets.length, this.units], 'float32', init);
    this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0] ?? null, shape[1] ?? null, this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor3D;
    return tf.tidy(() => {
      const [b, t, d] = x.shape;
      const spliced = hasFrameGatherKernels() ? gatherFrames(x, this.offsets, 1, t, 'edge') : spliceWithOps(x, this.offsets);
      const flat = tf.reshape(spliced, [b * t, d * this.offsets.length]);
      const y = tf.add(tf.matMul(flat, this.kernel!.read()), this.bias!.read());
      return tf.reshape(y, [b, t, this.units]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, offsets: this.offsets, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}
tf.serialization.registerClass(SpliceDense);

/**
 * The splice with standard ops: x [batch, frames, dim] -> [batch, frames, offsets.length * dim],
 * edge frames repeated. For backends without the gather kernel, and the reference in tests.
 */
export function spliceWithOps(x: tf.Tensor3D, offsets: number[]): tf.Tensor3D {
  const [b, t, d] = x.shape;
  const left = Math.max(0, -offsets[0]!);
  const right = Math.max(0, offsets[offsets.length - 1]!);
  const parts: tf.Tensor3D[] = [];
  if (left > 0) parts.push(tf.tile(tf.slice(x, [0, 0, 0], [b, 1, d]), [1, left, 1]));
  parts.push(x);
  if (right > 0) parts.push(tf.tile(tf.slice(x, [0, t - 1, 0], [b, 1, d]), [1, right, 1]));
  const padded = parts.length > 1 ? tf.concat(parts, 1) : x;
  return tf.concat(offsets.map((o) => tf.slice(padded, [0, left + o, 0], [b, t, d])), 2);
}
