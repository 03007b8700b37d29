/**
 * Export-time rewrite of hibiki layers into standard tfjs layers, so that the exported model needs
 * no custom class. The functional graph is rebuilt layer by layer (standard layers are cloned
 * from their config with their weights); `HibikiSpliceDense` becomes
 *
 *   y = conv1d_dilated(x; W, b)  +  conv1d(F ‖ G; V)
 *
 * where the first term is the splice + affine with ZERO padding at the edges (tfjs's dilated
 * conv1d has no gradient, but its forward pass is fine) and the second adds back what Kaldi's edge
 * convention (first/last frame repeated) contributes: F = x at the first frame and 0 elsewhere,
 * G = x at the last frame and 0 elsewhere (built from a constant-ones projection, a one-tap conv
 * and a multiply), and V holds partial sums of the kernel blocks: output frame t needs
 * Σ_{o_j < -t} W_j x(0) and Σ_{o_j > T-1-t} W_j x(T-1). All of it is exact up to float rounding.
 *
 * `HibikiFusedBiGRU` has no standard equivalent (tfjs's GRUCell refuses `resetAfter: true`) and
 * is kept; export-layers-module.ts ships the module that registers it.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedBiGruAsLstm, fusedGruWeights, maskIndicator, onesIndicator } from './export-fused-gru.js';

type AnyLayer = tf.layers.Layer;
type LayerClass = { fromConfig: (cls: unknown, config: tf.serialization.ConfigDict) => AnyLayer };

/** Kernel layout of a SpliceDense: kernel `[offsets.length * dim, units]` (offset-major), bias `[units]`. */
interface SpliceWeights {
  offsets: number[];
  dim: number;
  units: number;
  kernel: Float32Array;
  bias: Float32Array;
}

/** Gives a freshly built layer its weights (the tensors are copied into its variables). */
function setWeights(layer: AnyLayer, weights: tf.Tensor[]): void {
  layer.setWeights(weights);
  tf.dispose(weights);
}

function gcd(a: number, b: number): number {
  return b === 0 ? Math.abs(a) : gcd(b, a % b);
}

/** Row `r` of kernel block j (offset o_j): kernel[(j * dim + r) * units + u]. */
function addBlock(dst: Float32Array, dstRow0: number, w: SpliceWeights, j: number): void {
  const n = w.dim * w.units;
  for (let i = 0; i < n; i++) dst[dstRow0 * w.units + i] = dst[dstRow0 * w.units + i]! + w.kernel[j * n + i]!;
}

/**
 * Builds the standard-layer equivalent of a SpliceDense on `x` `[batch, frames, dim]`; the last
 * layer carries `name`.
 */
function spliceDenseAsConv(x: tf.SymbolicTensor, w: SpliceWeights, name: string): tf.SymbolicTensor {
  const { offsets, dim, units } = w;
  const reach = Math.max(...offsets.map(Math.abs));
  const step = offsets.reduce((g, o) => gcd(g, o), 0) || 1;
  // Main term: symmetric dilated kernel over [-reach, reach] ('same' padding centres it), the
  // offsets' blocks at their taps and zeros elsewhere.
  const taps = (2 * reach) / step + 1;
  const main = new Float32Array(taps * dim * units);
  offsets.forEach((o, j) => addBlock(main, ((o + reach) / step) * dim, w, j));
  const mainLayer = tf.layers.conv1d({ filters: units, kernelSize: taps, dilationRate: step, padding: 'same', name: `${name}_splice` });
  const y = mainLayer.apply(x) as tf.SymbolicTensor;
  setWeights(mainLayer, [tf.tensor3d(main, [taps, dim, units]), tf.tensor1d(w.bias)]);
  const left = Math.max(0, -Math.min(...offsets));
  const right = Math.max(0, Math.max(...offsets));
  if (left === 0 && right === 0) {
    // Nothing reaches past the edges: rename by wrapping in a linear activation.
    return tf.layers.activation({ activation: 'linear', name }).apply(y) as tf.SymbolicTensor;
  }
  // ones [batch, frames, 1], then first/last-frame indicators repeated over dim channels:
  // first(t) = 1 - ones(t-1), last(t) = 1 - ones(t+1) (zero padding outside the sequence), and
  // F = x * first, G = x * last.
  const onesLayer = tf.layers.dense({ units: 1, name: `${name}_ones` });
  const ones = onesLayer.apply(x) as tf.SymbolicTensor;
  setWeights(onesLayer, [tf.zeros([dim, 1]), tf.ones([1])]);
  // One layer per indicator and per product: the executor of tfjs-layers disposes a tensor after
  // as many uses as it has consumer layers, so no layer may take the same tensor twice.
  const edge = (tap: 0 | 2, suffix: string): tf.SymbolicTensor => {
    const layer = tf.layers.conv1d({ filters: dim, kernelSize: 3, padding: 'same', name: `${name}_${suffix}_frame` });
    const indicator = layer.apply(ones) as tf.SymbolicTensor;
    const k = new Float32Array(3 * dim);
    k.fill(-1, tap * dim, (tap + 1) * dim);
    setWeights(layer, [tf.tensor3d(k, [3, 1, dim]), tf.ones([dim])]);
    return tf.layers.multiply({ name: `${name}_${suffix}_select` }).apply([x, indicator]) as tf.SymbolicTensor;
  };
  // Tap t-1 gives the first-frame indicator, tap t+1 the last-frame one.
  const fg = tf.layers.concatenate({ axis: -1, name: `${name}_edge_frames` }).apply([edge(0, 'first'), edge(2, 'last')]) as tf.SymbolicTensor;
  // Correction taps τ in [-q, q]: F channels (τ <= 0) V_τ = Σ_{o_j < τ} W_j; G channels (τ >= 0)
  // V'_τ = Σ_{o_j > τ} W_j.
  const q = Math.max(left, right) - 1;
  const ct = 2 * q + 1;
  const corr = new Float32Array(ct * 2 * dim * units);
  for (let tau = -q; tau <= q; tau++) {
    const row0 = (tau + q) * 2 * dim;
    offsets.forEach((o, j) => {
      if (tau <= 0 && o < tau) addBlock(corr, row0, w, j);
      if (tau >= 0 && o > tau) addBlock(corr, row0 + dim, w, j);
    });
  }
  const corrLayer = tf.layers.conv1d({ filters: units, kernelSize: ct, padding: 'same', useBias: false, name: `${name}_edge_fix` });
  const fix = corrLayer.apply(fg) as tf.SymbolicTensor;
  setWeights(corrLayer, [tf.tensor3d(corr, [ct, 2 * dim, units])]);
  return tf.layers.add({ name }).apply([y, fix]) as tf.SymbolicTensor;
}

function spliceWeights(layer: AnyLayer): SpliceWeights {
  const config = layer.getConfig() as { offsets: number[]; units: number };
  const [kernel, bias] = layer.getWeights();
  const units = config.units;
  const dim = kernel!.shape[0]! / config.offsets.length;
  return { offsets: [...config.offsets], dim, units, kernel: kernel!.dataSync() as Float32Array, bias: bias!.dataSync() as Float32Array };
}

/** Clones a layer from its class and config and gives it the original's weights. */
function cloneLayer(layer: AnyLayer, inputs: tf.SymbolicTensor | tf.SymbolicTensor[]): tf.SymbolicTensor | tf.SymbolicTensor[] {
  const cls = layer.constructor as unknown as LayerClass;
  const clone = cls.fromConfig(cls, layer.getConfig());
  const out = clone.apply(inputs) as tf.SymbolicTensor | tf.SymbolicTensor[];
  clone.setWeights(layer.getWeights());
  return out;
}

/** Class names the rewrite replaces by standard layers. */
export const REWRITTEN_CLASSES: readonly string[] = ['HibikiSpliceDense', 'HibikiFusedBiGRU'];

/**
 * Layers whose output does not depend on their input mask: the rewritten FusedBiGRU passes no mask
 * on (the original passes its input mask through), so only these may follow it while a mask is
 * live. Any other masking-aware layer there makes the rewrite give up.
 */
const MASK_INDEPENDENT = new Set([
  'Dropout', 'HibikiSeededDropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout',
  'Dense', 'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'Softmax', 'ThresholdedReLU', 'PReLU',
  'BatchNormalization', 'LayerNormalization', 'Masking',
]);

/**
 * Returns a model with the same inputs, outputs and weights in which every `HibikiSpliceDense` and
 * `HibikiFusedBiGRU` is made of standard tfjs layers, or null when there is nothing to rewrite or
 * the graph has a shape the rebuild does not handle (a layer called more than once, a nested
 * model, a mask-dependent layer after a fused GRU): the caller then exports the model as it is.
 */
export function rewriteToStandardLayers(model: tf.LayersModel, options: { keepFusedGru?: boolean } = {}): tf.LayersModel | null {
  const rewritten = REWRITTEN_CLASSES.filter((c) => !(options.keepFusedGru === true && c === 'HibikiFusedBiGRU'));
  if (!model.layers.some((l) => rewritten.includes(l.getClassName()))) return null;
  const mapped = new Map<number, tf.SymbolicTensor>();
  /** Original tensor id -> [batch, frames, 1] indicator of its (original) mask, in the new graph. */
  const maskOf = new Map<number, tf.SymbolicTensor>();
  /** Original tensors carrying a mask whose new counterparts do not (after a rewritten GRU). */
  const dropped = new Set<number>();
  const inputs = model.inputs.map((s) => {
    const t = tf.input({ batchShape: s.shape, dtype: s.dtype, name: s.sourceLayer.name });
    mapped.set(s.id, t);
    return t;
  });
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls === 'InputLayer') continue;
    if (layer instanceof tf.LayersModel || layer.inboundNodes.length !== 1) return null;
    const node = layer.inboundNodes[0]!;
    const ins = node.inputTensors.map((s) => mapped.get(s.id));
    if (ins.some((s) => s === undefined)) return null;
    const args = ins as tf.SymbolicTensor[];
    const inId = node.inputTensors[0]!.id;
    let mask = maskOf.get(inId);
    let maskDropped = dropped.has(inId);
    let out: tf.SymbolicTensor | tf.SymbolicTensor[];
    if (cls === 'HibikiSpliceDense') {
      if (mask !== undefined) return null;
      out = spliceDenseAsConv(args[0]!, spliceWeights(layer), layer.name);
    } else if (cls === 'HibikiFusedBiGRU' && rewritten.includes(cls)) {
      const valid = mask ?? onesIndicator(args[0]!, `${layer.name}_ones`);
      out = fusedBiGruAsLstm(args[0]!, valid, mask !== undefined, fusedGruWeights(layer), layer.name);
      maskDropped = mask !== undefined;
    } else {
      if (maskDropped && !MASK_INDEPENDENT.has(cls)) return null;
      out = cloneLayer(layer, args.length === 1 ? args[0]! : args);
      if (cls === 'Masking') {
        const maskValue = (layer.getConfig() as { maskValue?: number }).maskValue ?? 0;
        mask = maskIndicator(args[0]!, maskValue, `${layer.name}_valid`);
        maskDropped = false;
      } else if (!layer.supportsMasking) {
        mask = undefined;
        maskDropped = false;
      }
    }
    const outs = Array.isArray(out) ? out : [out];
    node.outputTensors.forEach((s, i) => {
      mapped.set(s.id, outs[i]!);
      if (mask !== undefined) maskOf.set(s.id, mask);
      if (maskDropped) dropped.add(s.id);
    });
  }
  const outputs = model.outputs.map((s) => mapped.get(s.id));
  if (outputs.some((s) => s === undefined)) return null;
  return tf.model({ inputs, outputs: outputs as tf.SymbolicTensor[], name: model.name });
}
