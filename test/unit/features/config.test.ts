import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/util/rng.js';
import {
  computeFeatures,
  featureWindow,
  firstSampleOfFrame,
  frameCount,
  melBank,
  numFrames,
  resolveFeatureConfig,
} from '../../../src/features/index.js';

test('defaults are Kaldi\'s (use-energy per kind) with dither 0', () => {
  const c = resolveFeatureConfig(undefined);
  assert.equal(c.kind, 'mfcc');
  assert.equal(c.flavour, 'kaldi');
  assert.equal(c.frameLengthMs, 25);
  assert.equal(c.frameShiftMs, 10);
  assert.equal(c.snipEdges, true);
  assert.equal(c.numMelBins, 23);
  assert.equal(c.numCeps, 13);
  assert.equal(c.dither, 0);
  assert.equal(c.windowType, 'povey');
  assert.equal(c.preemphasisCoefficient, 0.97);
  assert.equal(c.useEnergy, true);
  assert.equal(c.sampleScale, 32768);
  assert.equal(resolveFeatureConfig({ kind: 'fbank' }).useEnergy, false);
});

test('bad options raise FEATURE_CONFIG_INVALID with the source file', () => {
  assert.throws(() => resolveFeatureConfig({ windowType: 'kaiser' }, 'conf/feats.yaml'), (e: unknown) => {
    const err = e as { code: string; file: string };
    return err.code === 'FEATURE_CONFIG_INVALID' && err.file === 'conf/feats.yaml';
  });
  assert.throws(() => resolveFeatureConfig({ numCeps: 30 }), { code: 'FEATURE_CONFIG_INVALID' });
  assert.throws(() => resolveFeatureConfig({ unknownOption: 1 }), { code: 'FEATURE_CONFIG_INVALID' });
  assert.throws(() => resolveFeatureConfig({ flavour: 'meyda', kind: 'fbank' }), { code: 'FEATURE_CONFIG_INVALID' });
  assert.throws(() => melBank(23, 512, 16000, 20, 9000), { code: 'FEATURE_MEL_INVALID' });
  const c = resolveFeatureConfig({ roundToPowerOfTwo: false, frameLengthMs: 25 });
  assert.throws(() => computeFeatures(new Float32Array(1000), 22050, c), { code: 'FEATURE_FRAME_INVALID' });
});

test('frame counts follow Kaldi (hand-computed)', () => {
  // snip-edges: 1 + floor((16000 - 400) / 160) = 98; off: floor((16000 + 80) / 160) = 100.
  assert.equal(numFrames(16000, 400, 160, true), 98);
  assert.equal(numFrames(16000, 400, 160, false), 100);
  assert.equal(numFrames(399, 400, 160, true), 0);
  assert.equal(firstSampleOfFrame(0, 400, 160, false), -120);
  assert.equal(frameCount(16000, resolveFeatureConfig({}), 16000), 98);
});

test('without snip-edges, edge samples are mirrored like Kaldi (index -1 reads sample 0)', () => {
  // A rectangular-window spectrogram's raw log energy sees exactly the frame's samples.
  const c = resolveFeatureConfig({ kind: 'spectrogram', snipEdges: false, removeDcOffset: false, windowType: 'rectangular', frameLengthMs: 4, frameShiftMs: 2, energyFloor: 0, sampleScale: 1, preemphasisCoefficient: 0 });
  const x = Float32Array.from({ length: 10 }, (_, i) => i + 1); // rate 1000: length 4, shift 2
  const m = computeFeatures(x, 1000, c);
  assert.equal(m.frames, 5);
  // Frame 0 starts at 0 + 1 - 2 = -1: samples [x0, x0, x1, x2] = [1, 1, 2, 3].
  assert.ok(Math.abs(m.data[0]! - Math.log(1 + 1 + 4 + 9)) < 1e-5);
  // Frame 4 starts at 7: [x7, x8, x9, x9] = [8, 9, 10, 10].
  assert.ok(Math.abs(m.data[4 * m.dim]! - Math.log(64 + 81 + 100 + 100)) < 1e-4);
});

test('windows have Kaldi\'s end points and symmetry', () => {
  const povey = featureWindow('povey', 400);
  assert.equal(povey[0], 0);
  assert.ok(Math.abs(povey[399]!) < 1e-12);
  assert.ok(Math.abs(featureWindow('hamming', 5)[0]! - 0.08) < 1e-12);
  assert.ok(Math.abs(featureWindow('hanning', 5)[2]! - 1) < 1e-12);
  assert.ok(Math.abs(featureWindow('blackman', 5, 0.42)[0]!) < 1e-12);
  const h = featureWindow('hanning', 11);
  for (let i = 0; i < 11; i++) assert.ok(Math.abs(h[i]! - h[10 - i]!) < 1e-12);
});

test('negative high frequency is an offset from Nyquist', () => {
  const a = melBank(23, 512, 16000, 20, -400);
  const b = melBank(23, 512, 16000, 20, 7600);
  assert.deepEqual(Array.from(a.centerFreqs), Array.from(b.centerFreqs));
});

test('dither is seeded: same seed same features, other seed different, 0 deterministic', () => {
  const noise = new Rng(1);
  const x = Float32Array.from({ length: 8000 }, (_, i) => 0.1 * Math.sin(i * 0.05) + 0.01 * noise.normal());
  const c = resolveFeatureConfig({ dither: 1 });
  const a = computeFeatures(x, 16000, c, new Rng(7));
  const b = computeFeatures(x, 16000, c, new Rng(7));
  const d = computeFeatures(x, 16000, c, new Rng(8));
  assert.deepEqual(Array.from(a.data), Array.from(b.data));
  assert.notDeepEqual(Array.from(a.data), Array.from(d.data));
  const plain = computeFeatures(x, 16000, resolveFeatureConfig({}));
  let maxDelta = 0;
  for (let i = 0; i < plain.data.length; i++) maxDelta = Math.max(maxDelta, Math.abs(plain.data[i]! - a.data[i]!));
  // Dither of 1 int16 step barely changes features of a tone in noise at about 330 int16 steps.
  assert.ok(maxDelta > 0 && maxDelta < 0.5, String(maxDelta));
});

test('sampleScale: int16-scale input with scale 1 equals [-1,1] input with the default 32768', () => {
  const x = Float32Array.from({ length: 4000 }, (_, i) => Math.round(3000 * Math.sin(i * 0.1) + 200 * Math.cos(i * 1.7)) / 32768);
  const int16 = Float32Array.from(x, (v) => v * 32768);
  const a = computeFeatures(x, 16000, resolveFeatureConfig({}));
  const b = computeFeatures(int16, 16000, resolveFeatureConfig({ sampleScale: 1 }));
  assert.deepEqual(Array.from(a.data), Array.from(b.data));
});
