/**
 * The synthetic classes must be learnable: simple spectral statistics with a nearest-class-mean
 * rule already separate them far above chance, so a trained recogniser has something to find.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_CLASSES, PHONE_LABELS, generatePhoneUtterance, randomSpeaker } from '../../../src/data/synth/index.js';
import { Rng } from '../../../src/util/rng.js';
// The report's small radix-2 FFT serves here too (one implementation for both spectrogram uses).
import { fftInPlace as fft } from '../../../src/eval/report/spectrogram.js';

const FS = 16000;

/** Hann-windowed power spectra of frames `[frames][size/2]`. */
function spectra(x: Float32Array, from: number, to: number, size: number, hop: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let s = from; s + size <= to; s += hop) {
    const re = new Float64Array(size);
    const im = new Float64Array(size);
    for (let i = 0; i < size; i++) re[i] = x[s + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
    fft(re, im);
    const p = new Float64Array(size / 2);
    for (let k = 0; k < size / 2; k++) p[k] = re[k]! ** 2 + im[k]! ** 2 + 1e-12;
    out.push(p);
  }
  return out;
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]): number => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));
const slope = (v: number[]): number => {
  const t = v.map((_, i) => i / Math.max(1, v.length - 1) - 0.5);
  return v.reduce((acc, y, i) => acc + y * t[i]!, 0) / Math.max(1e-9, t.reduce((a, b) => a + b * b, 0));
};

/** Nearest class mean on z-scored features (leave-one-out when `testSet` is null); returns accuracy. */
function nearestMeanAccuracy(train: { x: number[]; y: string }[], testSet: { x: number[]; y: string }[] | null): number {
  const dim = train[0]!.x.length;
  const mu = Array.from({ length: dim }, (_, d) => mean(train.map((e) => e.x[d]!)));
  const sd = Array.from({ length: dim }, (_, d) => std(train.map((e) => e.x[d]!)) || 1);
  const z = (x: number[]): number[] => x.map((v, d) => (v - mu[d]!) / sd[d]!);
  const zt = train.map((e) => ({ x: z(e.x), y: e.y }));
  const sums = new Map<string, { sum: number[]; n: number }>();
  for (const e of zt) {
    const s = sums.get(e.y) ?? { sum: new Array<number>(dim).fill(0), n: 0 };
    e.x.forEach((v, d) => (s.sum[d]! += v));
    s.n++;
    sums.set(e.y, s);
  }
  const evalSet = testSet === null ? zt : testSet.map((e) => ({ x: z(e.x), y: e.y }));
  let correct = 0;
  for (const e of evalSet) {
    let best = '';
    let bestD = Infinity;
    for (const [label, s] of sums) {
      const self = testSet === null && label === e.y; // leave the example itself out
      const n = s.n - (self ? 1 : 0);
      if (n === 0) continue;
      let dist = 0;
      for (let d = 0; d < dim; d++) dist += ((s.sum[d]! - (self ? e.x[d]! : 0)) / n - e.x[d]!) ** 2;
      if (dist < bestD) { bestD = dist; best = label; }
    }
    if (best === e.y) correct++;
  }
  return correct / evalSet.length;
}

test('event classes: distinct centroids and sweeps, nearest-mean on 6 statistics >= 85% (chance 10%)', () => {
  const rng = new Rng(42);
  const examples: { x: number[]; y: string }[] = [];
  const centroidByClass = new Map<string, number[]>();
  const slopeByClass = new Map<string, number[]>();
  for (const cls of EVENT_CLASSES) {
    for (let k = 0; k < 8; k++) {
      const n = Math.round(rng.range(cls.minDuration, cls.maxDuration) * FS);
      const x = cls.render(rng.fork(`${cls.label}-${k}`), n, FS);
      for (let i = 0; i < n; i++) x[i]! += 0.03 * rng.normal(); // -30 dB white background
      const frames = spectra(x, 0, n, 512, 256);
      const logC: number[] = [];
      const logE: number[] = [];
      const flat: number[] = [];
      for (const p of frames) {
        let num = 0;
        let den = 0;
        let logSum = 0;
        for (let b = 1; b < p.length; b++) { num += p[b]! * b; den += p[b]!; logSum += Math.log(p[b]!); }
        logC.push(Math.log(((num / den) * FS) / 512));
        logE.push(Math.log(den));
        flat.push(Math.exp(logSum / (p.length - 1)) / (den / (p.length - 1)));
      }
      examples.push({ x: [mean(logC), std(logC), slope(logC), mean(flat), std(logE), slope(logE)], y: cls.label });
      centroidByClass.set(cls.label, [...(centroidByClass.get(cls.label) ?? []), Math.exp(mean(logC))]);
      slopeByClass.set(cls.label, [...(slopeByClass.get(cls.label) ?? []), slope(logC)]);
    }
  }
  const c = (l: string): number => mean(centroidByClass.get(l)!);
  assert.ok(c('harmonic') < c('beep') && c('beep') < c('warble') && c('warble') < c('modulated') && c('modulated') < c('noise_burst'), JSON.stringify([...centroidByClass].map(([l, v]) => [l, Math.round(mean(v))])));
  assert.ok(Math.min(...slopeByClass.get('chirp_up')!) > 0.5 && Math.max(...slopeByClass.get('chirp_down')!) < -0.5);
  const acc = nearestMeanAccuracy(examples, null);
  assert.ok(acc >= 0.85, `event nearest-mean accuracy ${acc}`);
});

/** Mean log band energies (16 bands, 0-8 kHz, wider at high frequencies) over the middle of a segment. */
function bandFeatures(x: Float32Array, a: number, b: number): number[] | null {
  const mid = (a + b) / 2;
  const half = Math.max(128, (b - a) / 4);
  const frames = spectra(x, Math.max(0, Math.floor(mid - half)), Math.min(x.length, Math.ceil(mid + half)), 256, 64);
  if (frames.length === 0) return null;
  const edges = Array.from({ length: 17 }, (_, i) => Math.round(128 * ((Math.exp((i / 16) * Math.log(33)) - 1) / 32)));
  const feats: number[] = [];
  for (let band = 0; band < 16; band++) {
    const lo = Math.max(1, edges[band]!);
    const hi = Math.max(lo + 1, edges[band + 1]!);
    feats.push(mean(frames.map((p) => { let s = 0; for (let k = lo; k < hi; k++) s += p[k]!; return Math.log(s); })));
  }
  const level = mean(feats);
  return [...feats.map((f) => f - level), level];
}

test('phones: nearest-mean on band energies, new speakers, far above chance (1/19)', () => {
  const collect = (seedBase: number, count: number): { x: number[]; y: string }[] => {
    const out: { x: number[]; y: string }[] = [];
    for (let u = 0; u < count; u++) {
      const rng = new Rng(seedBase + u);
      const utt = generatePhoneUtterance(rng, randomSpeaker(rng.fork('speaker')), { sampleRate: FS, wordsPerUtterance: [3, 5], snrDb: [25, 35] });
      for (const s of utt.alignment) {
        const f = bandFeatures(utt.samples, s.start * 16, s.end * 16);
        if (f !== null) out.push({ x: f, y: s.label });
      }
    }
    return out;
  };
  const train = collect(5000, 24);
  const heldOut = collect(9000, 8);
  assert.deepEqual([...new Set(train.map((e) => e.y))].sort(), [...PHONE_LABELS]);
  const acc = nearestMeanAccuracy(train, heldOut);
  assert.ok(acc > 0.5, `phone nearest-mean accuracy ${acc} (chance 1/19)`);
});
