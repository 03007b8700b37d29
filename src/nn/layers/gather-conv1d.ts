/**
 * A tfjs Conv1D whose training path is a frame gather and one matmul (frame-gather.ts) on the
 * wasm and cpu backends: output frame j is `act(b + sum_i x(j*stride + i - padLeft) · W[i])`, the
 * same maths as `tf.conv1d` (`same` padding computed per call from the actual frame count, as TF
 * does, so the alignment equals the standard layer's for every length).
 *
 * Why: the subsampling front is a strided conv, and its filter gradient (Conv2DBackpropFilter
 * with strides > 1) has no working wasm kernel (cpu fallback) and is a scalar loop on cpu: about
 * 8.5 s of a 9.7 s training step for 8 x 240 frames. The gather + matmul form takes milliseconds.
 *
 * The class is NOT registered with tf.serialization and keeps Conv1D's class name, config and
 * weights (`kernel` [kernelSize, inDim, filters], `bias` [filters]): a saved model is a standard
 * Conv1D, which plain tfjs loads and runs (its forward pass is fast everywhere); only training
 * needs this class. Other backends, dilation > 1 or channelsFirst use the standard call.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherFrames, hasFrameGatherKernels } from './frame-gather.js';

/** The Conv1D fields the fast path reads (tfjs-layers' Conv base class). */
interface ConvFields {
  kernel: tf.LayerVariable | null;
  bias: tf.LayerVariable | null;
  useBias: boolean;
  kernelSize: number[];
  strides: number[];
  padding: 'valid' | 'same' | 'causal';
  dilationRate: number | number[];
  dataFormat: 'channelsFirst' | 'channelsLast';
  filters: number;
  activation: { apply(x: tf.Tensor): tf.Tensor } | null;
}

type Conv1DArgs = Parameters<typeof tf.layers.conv1d>[0];
type LayerClass = new (args: Conv1DArgs) => tf.layers.Layer;

// tfjs exports only the factory; the class is taken from one instance (named, so no layer-name
// counter moves).
const Conv1DBase = Object.getPrototypeOf(tf.layers.conv1d({ filters: 1, kernelSize: 1, name: 'hibiki_conv1d_probe' })).constructor as LayerClass;

/** Frames out of a conv over `frames` frames (TF's `same`/`valid`/`causal` rules). */
export function convOutputFrames(frames: number, kernel: number, stride: number, padding: 'valid' | 'same' | 'causal'): number {
  return padding === 'valid' ? Math.max(0, Math.ceil((frames - kernel + 1) / stride)) : Math.ceil(frames / stride);
}

/** Zero frames added on the left by TF's padding rules for `frames` input frames. */
export function convPadLeft(frames: number, kernel: number, stride: number, padding: 'valid' | 'same' | 'causal'): number {
  if (padding === 'valid') return 0;
  if (padding === 'causal') return kernel - 1;
  const out = Math.ceil(frames / stride);
  return Math.floor(Math.max(0, (out - 1) * stride + kernel - frames) / 2);
}

export class GatherConv1D extends Conv1DBase {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor | tf.Tensor[] {
    const c = this as unknown as ConvFields;
    const dilation = Array.isArray(c.dilationRate) ? c.dilationRate[0]! : c.dilationRate;
    if (!hasFrameGatherKernels() || dilation !== 1 || c.dataFormat !== 'channelsLast') return super.call(inputs, kwargs);
    const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor3D;
    return tf.tidy(() => {
      const [b, t, d] = x.shape;
      const k = c.kernelSize[0]!;
      const s = c.strides[0]!;
      const out = convOutputFrames(t, k, s, c.padding);
      const left = convPadLeft(t, k, s, c.padding);
      const taps = Array.from({ length: k }, (_, i) => i - left);
      const g = tf.reshape(gatherFrames(x, taps, s, out, 'zero'), [b * out, k * d]);
      let y: tf.Tensor = tf.matMul(g, tf.reshape(c.kernel!.read(), [k * d, c.filters]));
      if (c.useBias) y = tf.add(y, c.bias!.read());
      y = tf.reshape(y, [b, out, c.filters]);
      return c.activation === null ? y : c.activation.apply(y);
    });
  }
}

/** `tf.layers.conv1d(args)` with the fast training path; serialises as a standard Conv1D. */
export function gatherConv1d(args: Conv1DArgs): tf.layers.Layer {
  return new GatherConv1D(args);
}
