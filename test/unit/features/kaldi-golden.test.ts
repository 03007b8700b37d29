import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeFeatures, frameCount, KaldiExtractor, resolveFeatureConfig } from '../../../src/features/index.js';
import { goldenSignal, kaldiGolden, maxDiff } from './golden-helpers.js';

// torchaudio computes in float32; values up to ~100 (C0, log energies) carry float32 rounding of
// ~1e-5 relative, so the bound is 1e-3 absolute or 1e-5 relative, whichever is larger.
const ABS_TOL = 1e-3;
const REL_TOL = 1e-5;

test('MFCC, fbank and spectrogram match torchaudio.compliance.kaldi on every golden case', () => {
  const golden = kaldiGolden();
  assert.ok(golden.cases.length >= 30);
  let worstAbs = 0;
  let worstRel = 0;
  for (const c of golden.cases) {
    const config = resolveFeatureConfig(c.config);
    const signal = goldenSignal(c.rate);
    const m = computeFeatures(signal, c.rate, config);
    const label = `${c.name} @ ${c.rate} Hz`;
    assert.equal(m.frames, c.frames, `${label}: frames`);
    assert.equal(m.dim, c.dim, `${label}: dim`);
    assert.equal(frameCount(signal.length, config, c.rate), c.frames, `${label}: frameCount`);
    for (let i = 0; i < c.values.length; i++) {
      const ref = c.values[i]!;
      const diff = Math.abs(m.data[i]! - ref);
      const bound = Math.max(ABS_TOL, REL_TOL * Math.abs(ref));
      if (diff > bound) assert.fail(`${label}: value ${i} (frame ${Math.floor(i / c.dim)}) ${m.data[i]} vs ${ref}`);
    }
    const d = maxDiff(m.data, c.values);
    worstAbs = Math.max(worstAbs, d.abs);
    worstRel = Math.max(worstRel, d.rel);
  }
  // Printed so the tolerance actually reached can be reported (docs/features.md).
  console.log(`kaldi golden: max abs diff ${worstAbs.toExponential(2)}, max rel diff ${worstRel.toExponential(2)}`);
});

test('the JavaScript path (no WebAssembly) gives the same features as the WebAssembly kernel', () => {
  let worst = 0;
  for (const c of kaldiGolden().cases) {
    const config = resolveFeatureConfig(c.config);
    const signal = goldenSignal(c.rate);
    const js = new KaldiExtractor(config, c.rate, { useWasm: false }).compute(signal);
    const wasm = new KaldiExtractor(config, c.rate).compute(signal);
    assert.equal(js.frames, wasm.frames);
    for (let i = 0; i < js.data.length; i++) worst = Math.max(worst, Math.abs(js.data[i]! - wasm.data[i]!) / Math.max(1, Math.abs(wasm.data[i]!)));
    const d = maxDiff(js.data, c.values);
    assert.ok(d.abs <= 1e-3 || d.rel <= 1e-5, `${c.name} @ ${c.rate}: JS path differs from torchaudio by ${d.abs}`);
  }
  // Both compute in Float64; only the order of additions differs.
  assert.ok(worst < 1e-5, String(worst));
});

test('WebAssembly kernel and JavaScript path agree on options the golden cases reach only through one of them', () => {
  const configs = [
    { kind: 'fbank', usePower: false, preemphasisCoefficient: 0, useEnergy: true },
    { kind: 'fbank', useLogFbank: false, removeDcOffset: false },
    { kind: 'mfcc', usePower: false, windowType: 'hanning', frameLengthMs: 32, frameShiftMs: 8 },
    { kind: 'spectrogram', rawEnergy: false, snipEdges: false },
    { kind: 'mfcc', dither: 1, seed: 5 },
  ];
  for (const input of configs) {
    const config = resolveFeatureConfig(input);
    for (const rate of [8000, 44100]) {
      const signal = goldenSignal(rate);
      const js = new KaldiExtractor(config, rate, { useWasm: false }).compute(signal);
      const wasm = new KaldiExtractor(config, rate).compute(signal);
      const d = maxDiff(js.data, wasm.data);
      assert.ok(d.rel < 1e-5, `${JSON.stringify(input)} @ ${rate}: ${d.rel}`);
    }
  }
});
