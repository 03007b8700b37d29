import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resample, resampledLength } from '../../../src/audio/index.js';

interface Spec { kind: 'sweep' | 'tones'; fromRate: number; toRate: number; duration: number; length: number; amplitude: number; f1?: number; freqs?: number[]; fade?: number }
interface Case { input: Spec; soxLength: number; windows: { start: number; values: number[] }[] }
const golden = JSON.parse(readFileSync(new URL('../../golden/audio/resample_sox.json', import.meta.url), 'utf8')) as { cases: Case[] };

/** Same formulas as test/golden/audio/make_resample_fixtures.py (float64, then float32). */
function regenerate(s: Spec): Float32Array {
  const x = new Float32Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const t = i / s.fromRate;
    if (s.kind === 'sweep') {
      x[i] = s.amplitude * Math.sin(2 * Math.PI * 0.5 * (s.f1! / s.duration) * t * t);
    } else {
      let v = 0;
      for (const f of s.freqs!) v += s.amplitude * Math.sin(2 * Math.PI * f * t);
      const edge = Math.min(i, s.length - 1 - i) / s.fromRate;
      if (edge < s.fade!) v *= 0.5 * (1 - Math.cos((Math.PI * edge) / s.fade!));
      x[i] = v;
    }
  }
  return x;
}

function snrDb(ref: ArrayLike<number>, got: ArrayLike<number>): number {
  let sig = 0;
  let err = 0;
  for (let i = 0; i < ref.length; i++) {
    sig += ref[i]! ** 2;
    err += (ref[i]! - got[i]!) ** 2;
  }
  return 10 * Math.log10(sig / err);
}

test('hibiki vs sox `rate` (passband windows): SNR >= 60 dB, same length', () => {
  for (const c of golden.cases) {
    const s = c.input;
    const y = resample(regenerate(s), s.fromRate, s.toRate);
    assert.equal(y.length, c.soxLength, `${s.kind} ${s.fromRate}->${s.toRate} length`);
    const ref: number[] = [];
    const got: number[] = [];
    for (const w of c.windows) {
      ref.push(...w.values);
      got.push(...y.subarray(w.start, w.start + w.values.length));
    }
    const snr = snrDb(ref, got);
    assert.ok(snr >= 60, `${s.kind} ${s.fromRate}->${s.toRate}: SNR ${snr.toFixed(1)} dB`);
  }
});

test('a passband sine resamples to the analytic sine (table and interpolated-kernel paths)', () => {
  // 16001 -> 16000 has L = 16000 > 4096 phases and takes the interpolated path.
  for (const [from, to] of [[16000, 8000], [8000, 16000], [44100, 16000], [48000, 16000], [16000, 48000], [16001, 16000], [11025, 16000]] as const) {
    const f = 0.3 * Math.min(from, to) / 2;
    const x = Float32Array.from({ length: from }, (_, i) => 0.5 * Math.sin((2 * Math.PI * f * i) / from));
    const y = resample(x, from, to);
    // skip 0.1 s at each end where the zero padding outside the signal is felt
    const lo = Math.round(0.1 * to);
    const hi = y.length - lo;
    const want = Array.from({ length: hi - lo }, (_, k) => 0.5 * Math.sin((2 * Math.PI * f * (k + lo)) / to));
    const snr = snrDb(want, y.subarray(lo, hi));
    assert.ok(snr > 80, `${from}->${to}: ${snr.toFixed(1)} dB`);
  }
});

test('a stopband tone is removed when downsampling', () => {
  const x = Float32Array.from({ length: 16000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 5000 * i) / 16000));
  const y = resample(x, 16000, 8000);
  let peak = 0;
  for (let i = 800; i < y.length - 800; i++) peak = Math.max(peak, Math.abs(y[i]!));
  assert.ok(20 * Math.log10(peak / 0.5) < -100, `residual ${peak}`);
});

test('length, identity, linearity, DC gain, bad rates', () => {
  assert.equal(resampledLength(16000, 44100, 16000), Math.ceil((16000 * 160) / 441));
  assert.equal(resample(new Float32Array(7), 16000, 8000).length, 4);
  const x = Float32Array.from({ length: 300 }, (_, i) => Math.sin(i * 0.1) + 0.3);
  assert.deepEqual(resample(x, 8000, 8000), x);
  assert.notEqual(resample(x, 8000, 8000), x);
  const a = resample(x, 8000, 11025);
  const b = resample(Float32Array.from(x, (v) => 2 * v), 8000, 11025);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(b[i]! - 2 * a[i]!) < 1e-6);
  const dc = resample(new Float32Array(4000).fill(0.25), 8000, 16000);
  for (let i = 2000; i < 6000; i++) assert.ok(Math.abs(dc[i]! - 0.25) < 1e-5);
  assert.throws(() => resample(x, 0, 16000), { code: 'AUDIO_BAD_RATE' });
  assert.throws(() => resample(x, 16000, 22050.5), { code: 'AUDIO_BAD_RATE' });
  assert.throws(() => resample(x, 16000, 8000, { passband: 1.2 }), { code: 'AUDIO_BAD_RESAMPLE_OPTION' });
});
