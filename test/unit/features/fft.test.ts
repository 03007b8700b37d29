import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RealFft } from '../../../src/features/index.js';

function naiveDft(x: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * k * t) / n;
      re[k] = re[k]! + x[t]! * Math.cos(a);
      im[k] = im[k]! + x[t]! * Math.sin(a);
    }
  }
  return { re, im };
}

test('real FFT (WebAssembly SIMD and JavaScript cores) equals the naive DFT for power-of-two and other even sizes', () => {
  for (const [n, useWasm] of [2, 4, 8, 16, 32, 64, 128, 512, 2048, 6, 10, 200, 400, 882, 1102].flatMap((size) => [[size, 1], [size, 0]] as const)) {
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin(0.37 * i * i) + 0.1 * (i % 7));
    const ref = naiveDft(x);
    const fft = new RealFft(n, { useWasm: useWasm === 1 });
    const re = new Float64Array(n / 2 + 1);
    const im = new Float64Array(n / 2 + 1);
    fft.transform(x, re, im);
    const power = new Float64Array(n / 2 + 1);
    fft.powerSpectrum(x, power);
    const viaInput = new Float64Array(n / 2 + 1);
    fft.input.set(x);
    fft.powerSpectrumOfInput(viaInput);
    assert.deepEqual(Array.from(viaInput).map((v, k) => Math.abs(v - power[k]!) <= 1e-9 * Math.max(1, power[k]!)), new Array(n / 2 + 1).fill(true), `n=${n} wasm=${useWasm} powerSpectrumOfInput`);
    for (let k = 0; k <= n / 2; k++) {
      assert.ok(Math.abs(re[k]! - ref.re[k]!) < 1e-9 * n, `n=${n} wasm=${useWasm} k=${k} re`);
      assert.ok(Math.abs(im[k]! - ref.im[k]!) < 1e-9 * n, `n=${n} k=${k} im`);
      const p = ref.re[k]! ** 2 + ref.im[k]! ** 2;
      assert.ok(Math.abs(power[k]! - p) < 1e-9 * Math.max(1, p), `n=${n} k=${k} power`);
    }
  }
});

test('Parseval: sum x^2 = (|X0|^2 + 2 sum |Xk|^2 + |XN/2|^2) / N for random signals', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 300 }), fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 600, maxLength: 600 }), (half, values) => {
      const n = 2 * half;
      const x = Float64Array.from(values.slice(0, n));
      const power = new Float64Array(half + 1);
      new RealFft(n, { useWasm: half % 2 === 0 }).powerSpectrum(x, power);
      let energy = 0;
      for (const v of x) energy += v * v;
      let spec = power[0]! + power[half]!;
      for (let k = 1; k < half; k++) spec += 2 * power[k]!;
      return Math.abs(energy - spec / n) <= 1e-9 * Math.max(1, energy);
    }),
    { numRuns: 60 },
  );
});

test('RealFft rejects odd sizes', () => {
  assert.throws(() => new RealFft(7), RangeError);
});

test('the WebAssembly SIMD core is available on Node 20 (else the speed benchmark would measure the fallback)', () => {
  const plan = new RealFft(512) as unknown as { wasm: unknown };
  assert.notEqual(plan.wasm, null);
});
