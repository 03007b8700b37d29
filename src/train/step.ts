/** One optimisation step, and the model's weights as checkpoint tensors. */
import * as tf from '@tensorflow/tfjs';
import { HibikiError } from '../errors.js';
import type { NamedTensor } from './checkpoint.js';
import { clipByGlobalNorm } from './clip.js';
import type { Optimizer } from './optimizers.js';
import { withStepRandomness } from './seeded.js';
import type { TrainTask } from './task.js';

/** Every weight of `model` (trainable or not), in `model.weights` order. */
export function modelTensors(model: tf.LayersModel): NamedTensor[] {
  return model.weights.map((w, i) => ({
    name: `model/${i}/${w.originalName}`,
    shape: w.shape.map((d) => d ?? 0),
    values: w.read().dataSync() as Float32Array,
  }));
}

/** Loads checkpoint tensors into `model`, checking count and shapes (`CHECKPOINT_MISMATCH`). */
export function restoreModel(model: tf.LayersModel, stored: NamedTensor[], dir: string): void {
  const weights = model.weights;
  if (stored.length !== weights.length) {
    throw new HibikiError('CHECKPOINT_MISMATCH', 'checkpoint does not fit this model', {
      file: dir,
      expected: `${weights.length} weight tensors`,
      found: String(stored.length),
    });
  }
  const values = stored.map((s, i) => {
    const want = weights[i]!.shape.join('x');
    if (s.shape.join('x') !== want) {
      throw new HibikiError('CHECKPOINT_MISMATCH', 'checkpoint weight shape does not fit this model', {
        file: dir,
        expected: `${weights[i]!.originalName} [${want}]`,
        found: `${s.name} [${s.shape.join('x')}]`,
      });
    }
    return tf.tensor(s.values, s.shape, 'float32');
  });
  model.setWeights(values);
  tf.dispose(values);
}

/** One update; returns the batch loss and the global gradient norm before clipping. */
export function trainStep<B>(
  task: TrainTask<B>,
  batch: B,
  vars: tf.Variable[],
  optimizer: Optimizer,
  lr: number,
  clipNorm: number | null,
  seed: number,
  step: number,
): { loss: number; gradNorm: number } {
  const [lossT, normT] = withStepRandomness(task.model, seed, step, () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => task.lossFn(task.model, batch, true), vars);
      const loss = value.dataSync()[0]!;
      if (!Number.isFinite(loss)) {
        throw new HibikiError('TRAIN_LOSS_NOT_FINITE', `loss is ${loss} at step ${step + 1}`, {
          expected: 'a finite loss (try a lower learning rate or gradient clipping)',
          found: String(loss),
        });
      }
      const list = vars.map((v) => grads[v.name] ?? tf.zerosLike(v));
      const clipped = clipByGlobalNorm(list, clipNorm ?? Infinity);
      optimizer.apply(clipped.grads, lr);
      return [value, clipped.norm];
    }),
  );
  const loss = lossT!.dataSync()[0]!;
  const gradNorm = normT!.dataSync()[0]!;
  tf.dispose([lossT!, normT!]);
  return { loss, gradNorm };
}
