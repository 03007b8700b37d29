/**
 * Every model of the nn registry, exported, loads in a FRESH Node process that imports only
 * @tensorflow/tfjs (and, when frontend.json names one, the standalone layers module shipped in the
 * export directory), and predicts what the trained model predicts (max abs diff <= 1e-5).
 * Sequence inputs have a right-padded item (zero frames) so masking is exercised too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { exportModel, loadExportedModel } from '../../../src/train/index.js';
import type { ExportOptions } from '../../../src/train/export.js';
import { buildModel, resolveModelConfig, withOutputActivation } from '../../../src/nn/index.js';
import { Rng } from '../../../src/util/rng.js';
import { SpliceDense } from '../../../src/nn/layers/splice-dense.js';
import { rewriteToStandardLayers } from '../../../src/train/export-rewrite.js';

await tf.setBackend('cpu');
process.env['HIBIKI_LOG'] = 'error';

const REPO = new URL('../../../', import.meta.url).pathname;

/** Runs in the child: only @tensorflow/tfjs, node:fs/path/url and the exported directory. */
const CHILD = `
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
const [top, inputFile, variant] = process.argv.slice(1);
await tf.setBackend('cpu');
const frontend = JSON.parse(readFileSync(join(top, 'frontend.json'), 'utf8'));
// variant 'fused': the compact copy with the fused GRU class and its own layers module.
const dir = variant === 'fused' ? join(top, frontend.fusedModel) : top;
const layersModule = variant === 'fused' ? 'hibiki-layers.mjs' : frontend.layersModule;
if (layersModule !== undefined) {
  const mod = await import(pathToFileURL(join(dir, layersModule)).href);
  mod.registerHibikiLayers(tf);
}
const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
const bin = readFileSync(join(dir, json.weightsManifest[0].paths[0]));
const model = await tf.loadLayersModel(tf.io.fromMemory({
  modelTopology: json.modelTopology,
  weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
  weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
}));
const input = JSON.parse(readFileSync(inputFile, 'utf8'));
const y = model.predict(tf.tensor(input.data, input.shape));
const classes = [...new Set(model.layers.map((l) => l.getClassName()))];
process.stdout.write(JSON.stringify({ pred: Array.from(y.dataSync()), classes }));
`;

function runChild(dir: string, inputFile: string, variant: 'main' | 'fused' = 'main'): Promise<{ pred: number[]; classes: string[] }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', CHILD, dir, inputFile, variant], { cwd: REPO, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`child failed: ${stderr}`));
      else resolve(JSON.parse(stdout) as { pred: number[]; classes: string[] });
    });
  });
}

/** Random weights everywhere (biases too), positive moving variances. */
function randomise(model: tf.LayersModel, rng: Rng): void {
  const ws = model.weights.map((w) => {
    const n = w.shape.reduce((a: number, b) => a * (b as number), 1);
    const v = Float32Array.from({ length: n }, () => 0.4 * rng.normal());
    if (w.name.includes('moving_variance')) v.forEach((x, i) => (v[i] = 0.5 + Math.abs(x)));
    return tf.tensor(v, w.shape as number[]);
  });
  model.setWeights(ws);
}

const DIM = 12;
/** `custom`: hibiki classes left in the export (registered by the shipped layers module). */
const CASES: { name: string; config: object; activation: 'softmax' | 'sigmoid'; custom?: string[]; options?: ExportOptions }[] = [
  { name: 'mlp', config: { type: 'mlp', hidden: [16, 16], dropout: 0.2 }, activation: 'softmax' },
  { name: 'tdnn', config: { type: 'tdnn', layers: [{ units: 8, kernel: 5, dilation: 1 }, { units: 8, kernel: 3, dilation: 3 }], dropout: 0.1 }, activation: 'softmax' },
  { name: 'tdnn subsampling 2', config: { type: 'tdnn', layers: [{ units: 8, kernel: 3, dilation: 2 }], subsampling: 2 }, activation: 'softmax' },
  { name: 'bigru (fused, masked)', config: { type: 'bigru', units: 6, layers: 2, dropout: 0.1 }, activation: 'softmax' },
  { name: 'bigru subsampling 2', config: { type: 'bigru', units: 6, layers: 1, subsampling: 2 }, activation: 'softmax' },
  { name: 'bigru (tfjs)', config: { type: 'bigru', units: 5, layers: 1, implementation: 'tfjs' }, activation: 'softmax' },
  { name: 'bilstm', config: { type: 'bilstm', units: 5, layers: 1 }, activation: 'softmax' },
  { name: 'crnn', config: { type: 'crnn', conv: [{ filters: 4, pool: 2 }, { filters: 4, pool: 2 }], units: 6, dropout: 0.1 }, activation: 'sigmoid' },
  { name: 'bigru (fused, masked) exported as custom layer + module', config: { type: 'bigru', units: 6, layers: 2, dropout: 0.1 }, activation: 'softmax', custom: ['HibikiFusedBiGRU'], options: { fusedGru: 'custom-layer' } },
  { name: 'crnn exported as custom layer + module', config: { type: 'crnn', conv: [{ filters: 4, pool: 2 }], units: 6 }, activation: 'sigmoid', custom: ['HibikiFusedBiGRU'], options: { fusedGru: 'custom-layer' } },
  { name: 'crnn subsampling 2', config: { type: 'crnn', conv: [{ filters: 4, pool: 2 }], units: 6, subsampling: 2 }, activation: 'sigmoid' },
];

for (const c of CASES) {
  test(`exported ${c.name} loads in a process with plain tfjs only and predicts the same`, { timeout: 60_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'hibiki-export-plain-'));
    try {
      const rng = new Rng(c.name.length * 7 + 1);
      const cfg = resolveModelConfig(c.config);
      const model = withOutputActivation(buildModel(cfg, { inputDim: DIM, numClasses: 4, seed: 3 }), c.activation);
      randomise(model, rng);
      const shape = cfg.type === 'mlp' ? [7, DIM] : [2, 9, DIM];
      const data = Array.from({ length: shape.reduce((a, b) => a * b) }, () => Math.fround(rng.normal()));
      // Second item: 6 real frames then 3 zero (padded) frames.
      if (cfg.type !== 'mlp') for (let f = 6; f < 9; f++) data.fill(0, (9 + f) * DIM, (9 + f + 1) * DIM);
      await exportModel(model, join(dir, 'model'), { featureConfig: { kind: 'mfcc' }, vocabulary: ['a', 'b', 'c', 'd'], task: 'frame-classification' }, c.options);
      const expected = (model.predict(tf.tensor(data, shape)) as tf.Tensor).dataSync();
      writeFileSync(join(dir, 'input.json'), JSON.stringify({ shape, data }));
      const got = await runChild(join(dir, 'model'), join(dir, 'input.json'));
      assert.equal(got.pred.length, expected.length);
      const worst = Math.max(...got.pred.map((v, i) => Math.abs(v - expected[i]!)));
      const frontend = JSON.parse(readFileSync(join(dir, 'model', 'frontend.json'), 'utf8')) as { customLayers?: string[]; layersModule?: string };
      t.diagnostic(`${c.name}: max abs diff ${worst.toExponential(2)}; classes ${got.classes.join(',')}; custom ${frontend.customLayers?.join(',') ?? 'none'}`);
      assert.ok(worst <= 1e-5, `max abs diff ${worst}`);
      assert.ok(!got.classes.includes('HibikiSeededDropout'), 'training-only dropout is not exported');
      // SpliceDense is rewritten into standard layers; only the fused GRU needs the module.
      assert.deepEqual(frontend.customLayers, c.custom);
      assert.deepEqual(got.classes.filter((n) => n.startsWith('Hibiki')), c.custom ?? []);
      assert.equal(frontend.layersModule, c.custom === undefined ? undefined : 'hibiki-layers.mjs');
      assert.equal(existsSync(join(dir, 'model', 'hibiki-layers.mjs')), c.custom !== undefined);
      // Models with the fused GRU exported as standard layers also carry a compact copy that keeps
      // the fused class (hibiki's loader prefers it); it loads with its module and agrees too.
      const hasFused = model.layers.some((l) => l.getClassName() === 'HibikiFusedBiGRU') && c.custom === undefined;
      assert.equal(existsSync(join(dir, 'model', 'fused', 'model.json')), hasFused);
      if (hasFused) {
        const compact = await runChild(join(dir, 'model'), join(dir, 'input.json'), 'fused');
        assert.ok(compact.classes.includes('HibikiFusedBiGRU'));
        const worstCompact = Math.max(...compact.pred.map((v, i) => Math.abs(v - expected[i]!)));
        assert.ok(worstCompact <= 1e-5, `compact copy: max abs diff ${worstCompact}`);
        const { model: loaded } = await loadExportedModel(join(dir, 'model'));
        assert.ok(loaded.layers.some((l) => l.getClassName() === 'HibikiFusedBiGRU'), 'hibiki loads the compact copy');
        const mine = (loaded.predict(tf.tensor(data, shape)) as tf.Tensor).dataSync();
        assert.ok(Math.max(...mine.map((v, i) => Math.abs(v - expected[i]!))) <= 1e-5);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('SpliceDense rewrite: asymmetric offsets and sequences shorter than the context give the same output', () => {
  const rng = new Rng(4);
  for (const offsets of [[-4, -1, 0, 2], [0, 3], [-2], [-3, 0, 3]]) {
    const input = tf.input({ shape: [null, 3] });
    const out = new SpliceDense({ units: 5, offsets, name: 'tdnn' }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    randomise(model, rng);
    const plain = rewriteToStandardLayers(model);
    assert.ok(plain !== null);
    assert.ok(!plain.layers.some((l) => l.getClassName().startsWith('Hibiki')));
    for (const frames of [1, 2, 3, 9]) {
      const x = tf.tensor(Array.from({ length: 2 * frames * 3 }, () => rng.normal()), [2, frames, 3]);
      const a = (model.predict(x) as tf.Tensor).dataSync();
      const b = (plain.predict(x) as tf.Tensor).dataSync();
      const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
      assert.ok(worst <= 1e-5, `offsets ${offsets.join(',')}, ${frames} frames: max abs diff ${worst}`);
    }
  }
});
