/**
 * The standalone ES module shipped beside an exported model that still contains hibiki layer
 * classes (`HibikiFusedBiGRU`: its cell applies the reset gate after the recurrent product, which
 * tfjs's GRUCell refuses (`resetAfter: true` throws), so no standard tfjs layer computes it).
 * The module has no imports: the page or program passes its own tfjs namespace in, so it works
 * with a bundler, an import map, Node, or the `tf.min.js` script global alike:
 *
 * ```js
 * import * as tf from '@tensorflow/tfjs';
 * import { registerHibikiLayers } from './model/hibiki-layers.mjs';
 * registerHibikiLayers(tf);
 * const model = await tf.loadLayersModel('./model/model.json');
 * ```
 *
 * The classes are inference implementations with the same weights (names, shapes, layout) and the
 * same forward maths as src/nn/layers (fused-bigru.ts, gru-recurrence.ts, splice-dense.ts); the
 * export tests load models with them in a process without hibiki and compare predictions.
 */

/** File name of the module inside the export directory. */
export const LAYERS_MODULE_FILE = 'hibiki-layers.mjs';

/** Class names the module registers. */
export const LAYERS_MODULE_CLASSES: readonly string[] = ['HibikiFusedBiGRU', 'HibikiSpliceDense'];

/** Source text of the module (plain JavaScript, ES2022). */
export const LAYERS_MODULE_SOURCE = `// hibiki-layers.mjs: written by hibiki's exportModel. Standalone (no imports, no hibiki code).
// Registers the hibiki layer classes this model uses with YOUR tfjs, before loading it:
//   import * as tf from '@tensorflow/tfjs';
//   import { registerHibikiLayers } from './hibiki-layers.mjs';
//   registerHibikiLayers(tf);
//   const model = await tf.loadLayersModel('<dir>/model.json');
// With the tf.min.js script tag: registerHibikiLayers(window.tf).
// Inference implementations (weights are loaded from weights.bin, not initialised).

/**
 * Registers HibikiFusedBiGRU and HibikiSpliceDense with tf.serialization.
 * @param tf the @tensorflow/tfjs namespace
 * @returns the registered class names
 */
export function registerHibikiLayers(tf) {
  const shapeOf = (s) => (Array.isArray(s[0]) ? s[0] : s);

  // Bidirectional GRU, reset gate after the recurrent product (cuDNN / Keras reset_after=True):
  //   [hz hr hn] = h U + c,  z = sigmoid(xz + hz),  r = sigmoid(xr + hr),
  //   n = tanh(xn + r * hn),  h' = n + z * (h - n);  masked frames keep h (h' = h + m * (h' - h)).
  // kernel [dim, 6u] and bias [6u]: [z r n] forward then [z r n] backward; recurrent_kernel_fw/bw
  // [u, 3u], recurrent_bias_fw/bw [3u]. Input [batch, frames, dim] -> [batch, frames, 2u]
  // (forward | backward, aligned frame by frame).
  class FusedBiGRU extends tf.layers.Layer {
    static className = 'HibikiFusedBiGRU';
    constructor(config) {
      super({ name: config.name, trainable: config.trainable ?? true });
      this.units = config.units;
      this.seed = config.seed;
      this.supportsMasking = true;
    }
    build(inputShape) {
      const shape = shapeOf(inputShape);
      const dim = shape[shape.length - 1];
      const u = this.units;
      const zeros = tf.initializers.zeros();
      this.kernel = this.addWeight('kernel', [dim, 6 * u], 'float32', zeros);
      this.bias = this.addWeight('bias', [6 * u], 'float32', zeros);
      this.recurrentFw = this.addWeight('recurrent_kernel_fw', [u, 3 * u], 'float32', zeros);
      this.recurrentBw = this.addWeight('recurrent_kernel_bw', [u, 3 * u], 'float32', zeros);
      this.recurrentBiasFw = this.addWeight('recurrent_bias_fw', [3 * u], 'float32', zeros);
      this.recurrentBiasBw = this.addWeight('recurrent_bias_bw', [3 * u], 'float32', zeros);
      this.built = true;
    }
    computeOutputShape(inputShape) {
      const shape = shapeOf(inputShape);
      return [shape[0] ?? null, shape[1] ?? null, 2 * this.units];
    }
    direction(xp, u, c, mask, reverse) {
      const [b, t] = xp.shape;
      const h = this.units;
      const xs = tf.unstack(xp, 1);
      const ms = mask === null ? null : tf.unstack(tf.reshape(mask, [b, t, 1]), 1);
      const outs = new Array(t);
      let state = tf.zeros([b, h]);
      for (let s = 0; s < t; s++) {
        const i = reverse ? t - 1 - s : s;
        const hp = tf.add(tf.matMul(state, u), c);
        const x = xs[i];
        const z = tf.sigmoid(tf.add(tf.slice(x, [0, 0], [b, h]), tf.slice(hp, [0, 0], [b, h])));
        const r = tf.sigmoid(tf.add(tf.slice(x, [0, h], [b, h]), tf.slice(hp, [0, h], [b, h])));
        const n = tf.tanh(tf.add(tf.slice(x, [0, 2 * h], [b, h]), tf.mul(r, tf.slice(hp, [0, 2 * h], [b, h]))));
        let next = tf.add(n, tf.mul(z, tf.sub(state, n)));
        if (ms !== null) next = tf.add(state, tf.mul(ms[i], tf.sub(next, state)));
        outs[i] = next;
        state = next;
      }
      return tf.stack(outs, 1);
    }
    call(inputs, kwargs) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const maskIn = kwargs === undefined ? undefined : kwargs.mask;
      return tf.tidy(() => {
        const [b, t, d] = x.shape;
        const h = this.units;
        const proj = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [b * t, d]), this.kernel.read()), this.bias.read()), [b, t, 6 * h]);
        let mask = maskIn == null ? null : tf.cast(tf.reshape(maskIn, [b, t]), 'float32');
        if (mask !== null && tf.min(mask).dataSync()[0] === 1) mask = null;
        const fw = this.direction(tf.slice(proj, [0, 0, 0], [b, t, 3 * h]), this.recurrentFw.read(), this.recurrentBiasFw.read(), mask, false);
        const bw = this.direction(tf.slice(proj, [0, 0, 3 * h], [b, t, 3 * h]), this.recurrentBw.read(), this.recurrentBiasBw.read(), mask, true);
        return tf.concat([fw, bw], 2);
      });
    }
    getConfig() {
      return { ...super.getConfig(), units: this.units, ...(this.seed === undefined ? {} : { seed: this.seed }) };
    }
  }

  // TDNN layer: output frame t = W [x(t+o1); x(t+o2); ...] + b, edge frames repeated.
  // kernel [dim * offsets.length, units] (offset-major rows), bias [units].
  class SpliceDense extends tf.layers.Layer {
    static className = 'HibikiSpliceDense';
    constructor(config) {
      super({ name: config.name, trainable: config.trainable ?? true });
      this.units = config.units;
      this.offsets = [...config.offsets];
      this.seed = config.seed;
    }
    build(inputShape) {
      const shape = shapeOf(inputShape);
      const dim = shape[shape.length - 1];
      const zeros = tf.initializers.zeros();
      this.kernel = this.addWeight('kernel', [dim * this.offsets.length, this.units], 'float32', zeros);
      this.bias = this.addWeight('bias', [this.units], 'float32', zeros);
      this.built = true;
    }
    computeOutputShape(inputShape) {
      const shape = shapeOf(inputShape);
      return [shape[0] ?? null, shape[1] ?? null, this.units];
    }
    call(inputs) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.tidy(() => {
        const [b, t, d] = x.shape;
        const left = Math.max(0, -this.offsets[0]);
        const right = Math.max(0, this.offsets[this.offsets.length - 1]);
        const parts = [];
        if (left > 0) parts.push(tf.tile(tf.slice(x, [0, 0, 0], [b, 1, d]), [1, left, 1]));
        parts.push(x);
        if (right > 0) parts.push(tf.tile(tf.slice(x, [0, t - 1, 0], [b, 1, d]), [1, right, 1]));
        const padded = parts.length > 1 ? tf.concat(parts, 1) : x;
        const spliced = tf.concat(this.offsets.map((o) => tf.slice(padded, [0, left + o, 0], [b, t, d])), 2);
        const y = tf.add(tf.matMul(tf.reshape(spliced, [b * t, d * this.offsets.length]), this.kernel.read()), this.bias.read());
        return tf.reshape(y, [b, t, this.units]);
      });
    }
    getConfig() {
      return { ...super.getConfig(), units: this.units, offsets: this.offsets, ...(this.seed === undefined ? {} : { seed: this.seed }) };
    }
  }

  tf.serialization.registerClass(FusedBiGRU);
  tf.serialization.registerClass(SpliceDense);
  return [FusedBiGRU.className, SpliceDense.className];
}
`;
