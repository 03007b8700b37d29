import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { computeFeatures, resolveFeatureConfig } from '../../../src/features/index.js';
import { goldenSignal } from './golden-helpers.js';

interface MeydaCase {
  rate: number;
  config: Record<string, unknown>;
  frames: number;
  dim: number;
  values: number[];
}

const golden = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../golden/features/meyda_golden.json', import.meta.url)), 'utf8'),
) as { cases: MeydaCase[] };

test('meyda flavour reproduces Meyda\'s own MFCC (golden from make_meyda_golden.mjs)', () => {
  assert.equal(golden.cases.length, 3);
  for (const c of golden.cases) {
    const m = computeFeatures(goldenSignal(c.rate), c.rate, resolveFeatureConfig(c.config));
    assert.equal(m.frames, c.frames);
    assert.equal(m.dim, c.dim);
    for (let i = 0; i < c.values.length; i++) {
      const ref = c.values[i]!;
      assert.ok(Math.abs(m.data[i]! - ref) <= 1e-5 * Math.max(1, Math.abs(ref)), `${c.rate} Hz value ${i}: ${m.data[i]} vs ${ref}`);
    }
  }
});

test('documented difference: a DC offset changes Meyda\'s MFCC but not Kaldi\'s (DC removal)', () => {
  const x = goldenSignal(16000);
  const shifted = Float32Array.from(x, (v) => v + 0.05);
  const diff = (config: Record<string, unknown>): number => {
    const c = resolveFeatureConfig(config);
    const a = computeFeatures(x, 16000, c);
    const b = computeFeatures(shifted, 16000, c);
    let d = 0;
    for (let i = 0; i < a.data.length; i++) d = Math.max(d, Math.abs(a.data[i]! - b.data[i]!));
    return d;
  };
  assert.ok(diff({}) < 1e-2, 'kaldi flavour removes the DC offset per frame');
  assert.ok(diff({ flavour: 'meyda' }) > 0.1, 'meyda flavour sees the DC offset');
});
