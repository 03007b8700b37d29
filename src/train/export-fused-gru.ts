/**
 * `HibikiFusedBiGRU` as standard tfjs layers, for export. tfjs's GRUCell computes only the
 * reset-before cell (`(r ⊙ h) Un`), the fused layer the reset-after one (`r ⊙ (h Un + cn)`), and no
 * weight conversion makes them equal. A standard LSTM with `activation: 'linear'` and
 * `recurrentActivation: 'sigmoid'` can run the reset-after cell exactly, one frame in three
 * sub-steps, with state v = [h | p | s] (3H units; the output gate is forced to 1, so the LSTM's
 * output equals its cell state and the cell update is v' = f ⊙ v + i ⊙ g):
 *
 *   role 0:  p = r ⊙ (h Un + cn)            (i = r = σ(x Wr + br + h Ur + cr), g = h Un + cn, f = 0)
 *   role 1:  s = σ(2 (x Wn + bn + p))       (i = that sigmoid, g = 1, f = 0)
 *   role 2:  h = z ⊙ h + (1 − z) ⊙ (2 s − 1)  (f = z, i = σ(−a_z) = 1 − z, g = 2 s − 1 = tanh(...))
 *
 * Parts that must stay put get f = σ(+BIG) = 1 and i = σ(−BIG) = 0, both exact in float32. The
 * sub-step inputs are [x_t | one-hot position flags], three per frame (a Dense expansion and a
 * Reshape), and each direction maps positions to roles in its own weights (the backward LSTM
 * meets a frame's positions in reverse). Padded frames (the fused layer's input mask) get all-zero
 * sub-step inputs, which a Masking layer turns into tfjs's own RNN masking (state kept), as the
 * fused layer does. A selection Dense picks the role-2 outputs: [batch, frames, 2H].
 * Equal to the fused layer up to float rounding (tanh computed as 2σ(2a) − 1).
 */
import * as tf from '@tensorflow/tfjs';

/** Large enough to saturate a sigmoid whatever the other terms are (|x W + h U| ≪ BIG). */
const BIG = 1e6;
/** Scales Σ|x − maskValue| so that any non-zero frame saturates a hard sigmoid (2^100). */
const MASK_GAIN = 2 ** 100;

type AnyLayer = tf.layers.Layer;

/** The fused layer's weights, by name: kernel [dim, 6H], bias [6H], recurrent [H, 3H] and [3H] per direction. */
export interface FusedGruWeights {
  units: number;
  dim: number;
  kernel: Float32Array;
  bias: Float32Array;
  recurrent: [Float32Array, Float32Array];
  recurrentBias: [Float32Array, Float32Array];
}

export function fusedGruWeights(layer: AnyLayer): FusedGruWeights {
  const get = (suffix: string): tf.LayerVariable => {
    const v = layer.weights.find((w) => w.originalName.endsWith(`/${suffix}`));
    if (v === undefined) throw new Error(`fused GRU ${layer.name} has no weight ${suffix}`);
    return v;
  };
  const data = (suffix: string): Float32Array => get(suffix).read().dataSync() as Float32Array;
  const kernel = get('kernel');
  const units = (layer.getConfig() as { units: number }).units;
  return {
    units,
    dim: kernel.shape[0]!,
    kernel: data('kernel'),
    bias: data('bias'),
    recurrent: [data('recurrent_kernel_fw'), data('recurrent_kernel_bw')],
    recurrentBias: [data('recurrent_bias_fw'), data('recurrent_bias_bw')],
  };
}

function withWeights<T extends tf.SymbolicTensor | tf.SymbolicTensor[]>(layer: AnyLayer, input: tf.SymbolicTensor | tf.SymbolicTensor[], weights: tf.Tensor[]): T {
  const out = layer.apply(input) as T;
  layer.setWeights(weights);
  tf.dispose(weights);
  return out;
}

/** 1 for frames with any feature different from `maskValue`, else 0: `[batch, frames, 1]` (Masking's rule). */
export function maskIndicator(x: tf.SymbolicTensor, maskValue: number, name: string): tf.SymbolicTensor {
  const dim = x.shape[x.shape.length - 1] as number;
  const k = new Float32Array(dim * 2 * dim);
  for (let i = 0; i < dim; i++) {
    k[i * 2 * dim + i] = 1;
    k[i * 2 * dim + dim + i] = -1;
  }
  const b = new Float32Array(2 * dim);
  b.fill(-maskValue, 0, dim);
  b.fill(maskValue, dim);
  const diff = withWeights<tf.SymbolicTensor>(tf.layers.dense({ units: 2 * dim, activation: 'relu', name: `${name}_abs` }), x, [tf.tensor2d(k, [dim, 2 * dim]), tf.tensor1d(b)]);
  // hardSigmoid(g Σ|x − v| − 5): 0 exactly for Σ = 0, 1 once g Σ ≥ 7.5.
  return withWeights(tf.layers.dense({ units: 1, activation: 'hardSigmoid', name }), diff, [tf.fill([2 * dim, 1], MASK_GAIN), tf.tensor1d([-5])]);
}

/** Constant 1 per frame: `[batch, frames, 1]`. */
export function onesIndicator(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  const dim = x.shape[x.shape.length - 1] as number;
  return withWeights(tf.layers.dense({ units: 1, name }), x, [tf.zeros([dim, 1]), tf.ones([1])]);
}

/** LSTM kernel [dim + 3, 12H] and recurrent kernel [3H, 12H] running direction `dir` (0 fw, 1 bw). */
function lstmWeights(w: FusedGruWeights, dir: 0 | 1): [tf.Tensor2D, tf.Tensor2D] {
  const { units: h, dim: d } = w;
  const u = 3 * h;
  const cols = 4 * u;
  const k = new Float32Array((d + 3) * cols);
  const rk = new Float32Array(u * cols);
  const off = dir * 3 * h;
  const rec = w.recurrent[dir];
  const rb = w.recurrentBias[dir];
  const flag = (role: number): number => d + (dir === 0 ? role : 2 - role);
  const col = (gate: 0 | 1 | 2 | 3, unit: number): number => gate * u + unit;
  const [I, F, G, O] = [0, 1, 2, 3] as const;
  for (let a = 0; a < h; a++) {
    const [hz, hr, hn] = [a, h + a, 2 * h + a]; // columns of z, r, n in the fused blocks
    const ph = a;
    const pp = h + a;
    const ps = 2 * h + a;
    for (let x = 0; x < d; x++) {
      const wz = w.kernel[x * 6 * h + off + hz]!;
      k[x * cols + col(F, ph)] = wz;
      k[x * cols + col(I, ph)] = -wz;
      k[x * cols + col(I, pp)] = w.kernel[x * 6 * h + off + hr]!;
      k[x * cols + col(I, ps)] = 2 * w.kernel[x * 6 * h + off + hn]!;
    }
    for (let j = 0; j < h; j++) {
      const uz = rec[j * 3 * h + hz]!;
      rk[j * cols + col(F, ph)] = uz;
      rk[j * cols + col(I, ph)] = -uz;
      rk[j * cols + col(I, pp)] = rec[j * 3 * h + hr]!;
      rk[j * cols + col(G, pp)] = rec[j * 3 * h + hn]!;
    }
    rk[ps * cols + col(G, ph)] = 2; // g = 2 s − 1 for h
    rk[pp * cols + col(I, ps)] = 2; // 2 p inside s's sigmoid
    const bz = w.bias[off + hz]! + rb[hz]!;
    // h: kept in roles 0 and 1, updated in role 2.
    for (const role of [0, 1]) {
      k[flag(role) * cols + col(F, ph)] = BIG;
      k[flag(role) * cols + col(I, ph)] = -BIG;
    }
    k[flag(2) * cols + col(F, ph)] = bz;
    k[flag(2) * cols + col(I, ph)] = -bz;
    k[flag(2) * cols + col(G, ph)] = -1;
    // p: written in role 0.
    k[flag(0) * cols + col(F, pp)] = -BIG;
    k[flag(0) * cols + col(I, pp)] = w.bias[off + hr]! + rb[hr]!;
    k[flag(0) * cols + col(G, pp)] = rb[hn]!;
    // s: written in role 1.
    k[flag(1) * cols + col(F, ps)] = -BIG;
    k[flag(1) * cols + col(I, ps)] = 2 * w.bias[off + hn]!;
    k[flag(1) * cols + col(G, ps)] = 1;
    // Output gate 1 everywhere: the LSTM's output is its cell state.
    for (const unit of [ph, pp, ps]) for (const role of [0, 1, 2]) k[flag(role) * cols + col(O, unit)] = BIG;
  }
  return [tf.tensor2d(k, [d + 3, cols]), tf.tensor2d(rk, [u, cols])];
}

/**
 * Builds the standard-layer equivalent of a FusedBiGRU on `x` `[batch, frames, dim]`.
 * @param valid `[batch, frames, 1]` 1 for real frames, 0 for masked ones (maskIndicator/onesIndicator)
 * @param masked false when `valid` is the constant 1
 * @returns `[batch, frames, 2H]`, the last layer named `name`
 */
export function fusedBiGruAsLstm(x: tf.SymbolicTensor, valid: tf.SymbolicTensor, masked: boolean, w: FusedGruWeights, name: string): tf.SymbolicTensor {
  const { units: h, dim: d } = w;
  // Masked frames must give all-zero sub-step inputs, features included (after a first GRU
  // layer they are not zero), so x is multiplied by the indicator.
  // A Reshape to the same shape drops the incoming mask (layers without masking support pass none
  // on), which tfjs's merge layers would otherwise mishandle; `valid` carries it instead.
  let xm = tf.layers.reshape({ targetShape: [-1, d], name: `${name}_unmasked` }).apply(x) as tf.SymbolicTensor;
  if (masked) {
    const wide = withWeights<tf.SymbolicTensor>(tf.layers.dense({ units: d, useBias: false, kernelInitializer: 'zeros', name: `${name}_valid_wide` }), valid, [tf.ones([1, d])]);
    xm = tf.layers.multiply({ name: `${name}_masked_input` }).apply([xm, wide]) as tf.SymbolicTensor;
  }
  const joined = tf.layers.concatenate({ axis: -1, name: `${name}_with_valid` }).apply([xm, valid]) as tf.SymbolicTensor;
  // [x, valid] -> three sub-step inputs [x, valid e_k], k = 0, 1, 2.
  const e = new Float32Array((d + 1) * 3 * (d + 3));
  for (let s = 0; s < 3; s++) {
    const c0 = s * (d + 3);
    for (let i = 0; i < d; i++) e[i * 3 * (d + 3) + c0 + i] = 1;
    e[d * 3 * (d + 3) + c0 + d + s] = 1;
  }
  const expanded = withWeights<tf.SymbolicTensor>(tf.layers.dense({ units: 3 * (d + 3), useBias: false, kernelInitializer: 'zeros', name: `${name}_substeps` }), joined, [tf.tensor2d(e, [d + 1, 3 * (d + 3)])]);
  const steps = tf.layers.reshape({ targetShape: [-1, d + 3], name: `${name}_substep_frames` }).apply(expanded) as tf.SymbolicTensor;
  const stepsMasked = tf.layers.masking({ maskValue: 0, name: `${name}_substep_mask` }).apply(steps) as tf.SymbolicTensor;
  // Zero initialisers: tfjs runs them again when it loads model.json (the default orthogonal one
  // takes minutes on these matrices), before the stored weights replace them.
  const lstm = tf.layers.lstm({
    units: 3 * h,
    activation: 'linear',
    recurrentActivation: 'sigmoid',
    useBias: false,
    returnSequences: true,
    kernelInitializer: 'zeros',
    recurrentInitializer: 'zeros',
    name: `${name}_cell`,
  });
  const bi = tf.layers.bidirectional({ layer: lstm as unknown as tf.RNN, mergeMode: 'concat', name: `${name}_lstm` });
  const out = withWeights<tf.SymbolicTensor>(bi, stepsMasked, [...lstmWeights(w, 0), ...lstmWeights(w, 1)]);
  const perFrame = tf.layers.reshape({ targetShape: [-1, 18 * h], name: `${name}_frames` }).apply(out) as tf.SymbolicTensor;
  // Role 2 of the forward direction is position 2 (first half of its 6H block), of the backward
  // direction position 0 (second half).
  const sel = new Float32Array(18 * h * 2 * h);
  for (let a = 0; a < h; a++) {
    sel[(12 * h + a) * 2 * h + a] = 1;
    sel[(3 * h + a) * 2 * h + h + a] = 1;
  }
  return withWeights(tf.layers.dense({ units: 2 * h, useBias: false, kernelInitializer: 'zeros', name }), perFrame, [tf.tensor2d(sel, [18 * h, 2 * h])]);
}
