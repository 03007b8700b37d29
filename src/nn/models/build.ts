/**
 * Model builders: config -> tf.LayersModel that outputs LOGITS (no softmax/sigmoid), because the
 * losses work on logits for numerical stability. `withOutputActivation` appends the activation
 * for inference and export. Frame classifiers: `mlp` [batch, spliceDim] -> [batch, K];
 * sequence models [batch, frames, dim] -> [batch, ceil(frames / subsampling), K].
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../util/rng.js';
import { FusedBiGRU } from '../layers/fused-bigru.js';
import { gatherConv1d } from '../layers/gather-conv1d.js';
import { SeededDropout } from '../layers/seeded-dropout.js';
import { SpliceDense } from '../layers/splice-dense.js';
import type { BigruConfig, BilstmConfig, CrnnConfig, MlpConfig, ModelConfig, TdnnConfig } from './config.js';

/** Sizes from the data, and the seed for initialisation and dropout. */
export interface ModelContext {
  /** Input feature dimension (spliced dimension for `mlp`). */
  inputDim: number;
  /** Number of output classes K. */
  numClasses: number;
  /** One seed drives every initialiser and dropout layer. */
  seed: number;
}

class Seeds {
  private readonly rng: Rng;
  constructor(seed: number) {
    this.rng = new Rng(seed).fork('model');
  }
  next(): number {
    return this.rng.nextUint32() & 0x7fffffff;
  }
  glorot(): ReturnType<typeof tf.initializers.glorotUniform> {
    return tf.initializers.glorotUniform({ seed: this.next() });
  }
}

function dense(units: number, seeds: Seeds, name: string, activation?: 'relu' | 'tanh' | 'sigmoid' | 'elu'): tf.layers.Layer {
  return tf.layers.dense({ units, kernelInitializer: seeds.glorot(), name, ...(activation === undefined ? {} : { activation }) });
}

function dropoutLayer(rate: number, seeds: Seeds, name: string): SeededDropout | null {
  return rate > 0 ? new SeededDropout({ rate, seed: seeds.next(), name }) : null;
}

function apply(layer: tf.layers.Layer | null, x: tf.SymbolicTensor): tf.SymbolicTensor {
  return layer === null ? x : (layer.apply(x) as tf.SymbolicTensor);
}

function buildMlp(cfg: MlpConfig, ctx: ModelContext, seeds: Seeds): tf.LayersModel {
  const input = tf.input({ shape: [ctx.inputDim], name: 'features' });
  let x = input;
  cfg.hidden.forEach((units, i) => {
    x = apply(dense(units, seeds, `hidden_${i}`, cfg.activation), x);
    x = apply(dropoutLayer(cfg.dropout, seeds, `dropout_${i}`), x);
  });
  const logits = apply(dense(ctx.numClasses, seeds, 'logits'), x);
  return tf.model({ inputs: input, outputs: logits, name: 'mlp' });
}

/**
 * Strided Conv1D front for sequence models: frames / subsampling (ceil), `same` padding. Trained
 * as a frame gather + one matmul (gather-conv1d.ts: the strided conv's filter gradient is a cpu
 * scalar loop on both wasm and cpu); saved as a standard Conv1D.
 */
function subsample(x: tf.SymbolicTensor, factor: number, filters: number, seeds: Seeds): tf.SymbolicTensor {
  if (factor === 1) return x;
  const conv = gatherConv1d({ filters, kernelSize: factor === 2 ? 3 : 5, strides: factor, padding: 'same', activation: 'relu', kernelInitializer: seeds.glorot(), name: `subsample_${factor}` });
  return apply(conv, x);
}

function buildTdnn(cfg: TdnnConfig, ctx: ModelContext, seeds: Seeds): tf.LayersModel {
  const input = tf.input({ shape: [null, ctx.inputDim], name: 'features' });
  let x = subsample(input, cfg.subsampling, cfg.layers[0]!.units, seeds);
  cfg.layers.forEach((l, i) => {
    const half = (l.kernel - 1) / 2;
    const offsets = Array.from({ length: l.kernel }, (_, j) => (j - half) * l.dilation);
    x = apply(new SpliceDense({ units: l.units, offsets, seed: seeds.next(), name: `tdnn_${i}` }), x);
    x = apply(tf.layers.reLU({ name: `tdnn_${i}_relu` }), x);
    x = apply(tf.layers.batchNormalization({ name: `tdnn_${i}_bn` }), x);
    x = apply(dropoutLayer(cfg.dropout, seeds, `dropout_${i}`), x);
  });
  const logits = apply(dense(ctx.numClasses, seeds, 'logits'), x);
  return tf.model({ inputs: input, outputs: logits, name: 'tdnn' });
}

function recurrentStack(
  x: tf.SymbolicTensor,
  cell: 'gru' | 'lstm',
  units: number,
  layers: number,
  dropout: number,
  implementation: 'fused' | 'tfjs',
  seeds: Seeds,
): tf.SymbolicTensor {
  for (let i = 0; i < layers; i++) {
    if (cell === 'gru' && implementation === 'fused') {
      x = apply(new FusedBiGRU({ units, seed: seeds.next(), name: `bigru_${i}` }), x);
    } else {
      const common = { units, returnSequences: true, kernelInitializer: seeds.glorot(), recurrentInitializer: seeds.glorot() };
      const rnn = cell === 'gru' ? tf.layers.gru(common) : tf.layers.lstm(common);
      x = apply(tf.layers.bidirectional({ layer: rnn as tf.RNN, mergeMode: 'concat', name: `bi${cell}_${i}` }), x);
    }
    x = apply(dropoutLayer(dropout, seeds, `dropout_${i}`), x);
  }
  return x;
}

function buildRecurrent(cfg: BigruConfig | BilstmConfig, ctx: ModelContext, seeds: Seeds): tf.LayersModel {
  const input = tf.input({ shape: [null, ctx.inputDim], name: 'features' });
  // All-zero frames are padding: the mask keeps them out of the recurrence (only possible without
  // the conv front, which does not propagate masks; with subsampling, pad frames leak in).
  let x = cfg.subsampling === 1 ? apply(tf.layers.masking({ maskValue: 0, name: 'padding_mask' }), input) : subsample(input, cfg.subsampling, 2 * cfg.units, seeds);
  x = recurrentStack(x, cfg.type === 'bigru' ? 'gru' : 'lstm', cfg.units, cfg.layers, cfg.dropout, cfg.implementation, seeds);
  const logits = apply(dense(ctx.numClasses, seeds, 'logits'), x);
  return tf.model({ inputs: input, outputs: logits, name: cfg.type });
}

function buildCrnn(cfg: CrnnConfig, ctx: ModelContext, seeds: Seeds): tf.LayersModel {
  const input = tf.input({ shape: [null, ctx.inputDim], name: 'features' });
  let x = apply(tf.layers.reshape({ targetShape: [-1, ctx.inputDim, 1], name: 'to_image' }), input);
  let freq = ctx.inputDim;
  cfg.conv.forEach((block, i) => {
    // Only the first block strides over time, and only when subsampling is asked for.
    const strides: [number, number] = i === 0 ? [cfg.subsampling, 1] : [1, 1];
    x = apply(tf.layers.conv2d({ filters: block.filters, kernelSize: 3, strides, padding: 'same', kernelInitializer: seeds.glorot(), name: `conv_${i}` }), x);
    x = apply(tf.layers.batchNormalization({ name: `conv_${i}_bn` }), x);
    x = apply(tf.layers.reLU({ name: `conv_${i}_relu` }), x);
    const pool = Math.min(block.pool, freq);
    if (pool > 1) {
      x = apply(tf.layers.maxPooling2d({ poolSize: [1, pool], strides: [1, pool], padding: 'valid', name: `conv_${i}_pool` }), x);
      freq = Math.floor(freq / pool);
    }
    x = apply(dropoutLayer(cfg.dropout, seeds, `conv_${i}_dropout`), x);
  });
  const last = cfg.conv[cfg.conv.length - 1]!.filters;
  x = apply(tf.layers.reshape({ targetShape: [-1, freq * last], name: 'to_sequence' }), x);
  x = recurrentStack(x, 'gru', cfg.units, cfg.layers, cfg.dropout, cfg.implementation, seeds);
  const logits = apply(dense(ctx.numClasses, seeds, 'logits'), x);
  return tf.model({ inputs: input, outputs: logits, name: 'crnn' });
}

/** Builder registry: model type -> builder. */
export const MODEL_BUILDERS: { [T in ModelConfig['type']]: (cfg: Extract<ModelConfig, { type: T }>, ctx: ModelContext, seeds: Seeds) => tf.LayersModel } = {
  mlp: buildMlp,
  tdnn: buildTdnn,
  bigru: buildRecurrent,
  bilstm: buildRecurrent,
  crnn: buildCrnn,
};

/**
 * Builds the model for a resolved config. The output is logits: [batch, K] for `mlp`,
 * [batch, outputFrames(frames), K] for sequence models.
 */
export function buildModel(cfg: ModelConfig, ctx: ModelContext): tf.LayersModel {
  const seeds = new Seeds(ctx.seed);
  const builder = MODEL_BUILDERS[cfg.type] as (c: ModelConfig, x: ModelContext, s: Seeds) => tf.LayersModel;
  return builder(cfg, ctx, seeds);
}

/** Output frames of a sequence model for `frames` input frames (`same` padding: ceil(frames / subsampling)). */
export function outputFrames(cfg: ModelConfig, frames: number): number {
  return cfg.type === 'mlp' ? frames : Math.ceil(frames / cfg.subsampling);
}

/** True for models taking [batch, frames, dim] (all but `mlp`). */
export function isSequenceModel(cfg: ModelConfig): boolean {
  return cfg.type !== 'mlp';
}

/**
 * A model sharing `model`'s weights with softmax (single-label) or sigmoid (multi-label) applied
 * to the logits, for inference and export (posteriors in model.json, as a browser user expects).
 */
export function withOutputActivation(model: tf.LayersModel, activation: 'softmax' | 'sigmoid'): tf.LayersModel {
  const out = tf.layers.activation({ activation, name: `posteriors_${activation}` }).apply(model.outputs[0]!) as tf.SymbolicTensor;
  return tf.model({ inputs: model.inputs, outputs: out, name: `${model.name}_${activation}` });
}
