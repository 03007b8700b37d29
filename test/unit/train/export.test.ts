import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { exportModel, loadExportedModel, resolveTrainConfig, train } from '../../../src/train/index.js';
import { isHibikiError } from '../../../src/errors.js';
import { Rng } from '../../../src/util/rng.js';
import { buildModel, devLoss, tinyTask } from './fixtures/tiny-task.js';
import { SeededDropout } from '../../../src/nn/layers/seeded-dropout.js';

await tf.setBackend('cpu');
process.env['HIBIKI_LOG'] = 'error';

const frontend = {
  featureConfig: { kind: 'mfcc', frameLengthMs: 25, frameShiftMs: 10, numCeps: 4 },
  cmvn: { mean: new Float32Array([0.5, -1, 0, 2]), variance: [1, 2, 3, 4] },
  vocabulary: ['a', 'b', 'c'],
  task: 'frame-classification',
  context: 1,
  labelPrior: [0.2, 0.3, 0.5],
};

function input(): tf.Tensor2D {
  const rng = new Rng(5);
  return tf.tensor2d(Float32Array.from({ length: 10 * 12 }, () => rng.normal()), [10, 12]);
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-export-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('export + load round trip: identical predictions, frontend.json kept, standard tfjs layout', () =>
  withDir(async (dir) => {
    const model = buildModel(3, 0.2);
    const out = join(dir, 'exported');
    await exportModel(model, out, frontend);
    assert.deepEqual(readdirSync(out).sort(), ['frontend.json', 'model.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as {
      format: string;
      weightsManifest: { paths: string[]; weights: { name: string }[] }[];
    };
    assert.equal(json.format, 'layers-model');
    assert.deepEqual(json.weightsManifest[0]!.paths, ['weights.bin']);
    assert.equal(json.weightsManifest[0]!.weights.length, 4);
    const { model: loaded, frontend: fe } = await loadExportedModel(out);
    const x = input();
    const before = (model.predict(x) as tf.Tensor).dataSync();
    const after = (loaded.predict(x) as tf.Tensor).dataSync();
    assert.deepEqual([...after], [...before]);
    assert.equal(fe.format, 'hibiki-frontend');
    assert.deepEqual(fe.vocabulary, ['a', 'b', 'c']);
    assert.deepEqual(fe.cmvn, { mean: [0.5, -1, 0, 2], variance: [1, 2, 3, 4] });
    assert.equal(fe.context, 1);
    assert.deepEqual(fe.featureConfig, frontend.featureConfig);
    // Exporting again replaces the directory as a whole.
    await exportModel(buildModel(4, 0), out, { ...frontend, task: 'other' });
    assert.equal((await loadExportedModel(out)).frontend.task, 'other');
    assert.deepEqual(readdirSync(dir), ['exported']);
  }));

test('exporting an experiment takes best/ (the best epoch), not the last weights', () =>
  withDir(async (dir) => {
    const exp = join(dir, 'exp');
    const task = tinyTask({ seed: 2, dropout: 0 });
    const devs = [0.3, 0.9];
    let n = 0;
    let bestPrediction: number[] = [];
    const x = input();
    await train(task, {
      expDir: exp,
      config: resolveTrainConfig({ epochs: 2, seed: 2, progress: 'none', monitor: { metric: 'err', mode: 'min' } }),
      validate: async (m) => {
        if (n === 0) bestPrediction = [...(m.predict(x) as tf.Tensor).dataSync()];
        await devLoss(m, task.dev);
        return { err: devs[n++]! };
      },
      handleSignals: false,
    });
    await exportModel(exp, join(dir, 'out'), frontend);
    const { model } = await loadExportedModel(join(dir, 'out'));
    assert.deepEqual([...(model.predict(x) as tf.Tensor).dataSync()], bestPrediction);
    const last = [...(task.model.predict(x) as tf.Tensor).dataSync()];
    assert.notDeepEqual(last, bestPrediction);
  }));

test('export errors: vocabulary size, missing model, damaged frontend.json', () =>
  withDir(async (dir) => {
    await assert.rejects(exportModel(buildModel(1, 0), join(dir, 'a'), { ...frontend, vocabulary: ['a', 'b'] }), (e) =>
      isHibikiError(e, 'EXPORT_VOCABULARY_MISMATCH'),
    );
    await assert.rejects(exportModel(join(dir, 'no-exp'), join(dir, 'b'), frontend), (e) => isHibikiError(e, 'MODEL_NOT_FOUND'));
    await exportModel(buildModel(1, 0), join(dir, 'c'), frontend);
    writeFileSync(join(dir, 'c', 'frontend.json'), JSON.stringify({ format: 'hibiki-frontend', version: 1, task: 'x' }));
    await assert.rejects(loadExportedModel(join(dir, 'c')), (e) => isHibikiError(e, 'CONFIG_INVALID'));
    rmSync(join(dir, 'c', 'weights.bin'));
    writeFileSync(join(dir, 'c', 'frontend.json'), JSON.stringify({ ...frontend, format: 'hibiki-frontend', version: 1, cmvn: null }));
    await assert.rejects(loadExportedModel(join(dir, 'c')), (e) => isHibikiError(e, 'MODEL_NOT_FOUND'));
  }));

class HibikiTestIdentity extends tf.layers.Layer {
  static className = 'HibikiTestIdentity';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return Array.isArray(inputs) ? inputs[0]! : inputs;
  }
}
tf.serialization.registerClass(HibikiTestIdentity);

test('export rewrites SeededDropout to a plain Dropout and lists other custom layers in frontend.json', () =>
  withDir(async (dir) => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ inputShape: [12], units: 5 }));
    m.add(new SeededDropout({ rate: 0.25, seed: 9, name: 'drop' }));
    m.add(new HibikiTestIdentity({}));
    m.add(tf.layers.dense({ units: 3 }));
    await exportModel(m, join(dir, 'out'), frontend);
    const text = readFileSync(join(dir, 'out', 'model.json'), 'utf8');
    assert.equal(text.includes('HibikiSeededDropout'), false);
    const layers = (JSON.parse(text) as { modelTopology: { config: { layers: { class_name: string; config: object }[] } } })
      .modelTopology.config.layers;
    assert.deepEqual(layers[1], { class_name: 'Dropout', config: { name: 'drop', trainable: true, dtype: 'float32', rate: 0.25 } });
    const { model, frontend: fe } = await loadExportedModel(join(dir, 'out'));
    assert.deepEqual(fe.customLayers, ['HibikiTestIdentity']);
    const x = input();
    assert.deepEqual([...(model.predict(x) as tf.Tensor).dataSync()], [...(m.predict(x) as tf.Tensor).dataSync()]);
  }));
