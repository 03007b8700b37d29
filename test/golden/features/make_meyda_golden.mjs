#!/usr/bin/env node
/* global URL, Buffer */
// Golden values of Meyda's own MFCC, pinning hibiki's `meyda` feature flavour.
// Regenerate (from the repository root): node test/golden/features/make_meyda_golden.mjs
// Input: the int16 test signals of kaldi_golden.json (made by make_kaldi_golden.py), read as
// [-1, 1] floats. Framing written out here independently of hibiki: Kaldi snip-edges frames of
// 25 ms every 10 ms, each zero-padded to the next power of two, passed to Meyda.extract('mfcc').
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Meyda = require('meyda');
const meydaVersion = require('meyda/package.json').version;
const here = new URL('.', import.meta.url);
const kaldi = JSON.parse(readFileSync(new URL('kaldi_golden.json', here), 'utf8'));

function signal(rate) {
  const bytes = Buffer.from(kaldi.signals[String(rate)], 'base64');
  return Float32Array.from({ length: bytes.length / 2 }, (_, i) => bytes.readInt16LE(2 * i) / 32768);
}

const CASES = [
  { rate: 16000, config: { flavour: 'meyda' }, melBands: 23, coefficients: 13, window: 'hanning' },
  { rate: 8000, config: { flavour: 'meyda', numMelBins: 26, numCeps: 12, meydaWindow: 'hamming' }, melBands: 26, coefficients: 12, window: 'hamming' },
  { rate: 44100, config: { flavour: 'meyda', numMelBins: 40, numCeps: 20 }, melBands: 40, coefficients: 20, window: 'hanning' },
];

const cases = [];
for (const c of CASES) {
  const x = signal(c.rate);
  const length = Math.trunc(c.rate * 0.025);
  const shift = Math.trunc(c.rate * 0.01);
  let size = 1;
  while (size < length) size *= 2;
  Meyda.bufferSize = size;
  Meyda.sampleRate = c.rate;
  Meyda.melBands = c.melBands;
  Meyda.numberOfMFCCCoefficients = c.coefficients;
  Meyda.windowingFunction = c.window;
  Meyda.melFilterBank = undefined;
  Meyda.barkScale = undefined;
  const frames = x.length < length ? 0 : 1 + Math.floor((x.length - length) / shift);
  const values = [];
  for (let f = 0; f < frames; f++) {
    const buf = new Float32Array(size);
    buf.set(x.subarray(f * shift, f * shift + length));
    for (const v of Meyda.extract('mfcc', buf)) values.push(Number(v.toPrecision(7)));
  }
  cases.push({ rate: c.rate, config: c.config, frames, dim: c.coefficients, values });
}
writeFileSync(
  new URL('meyda_golden.json', here),
  JSON.stringify({ generator: 'test/golden/features/make_meyda_golden.mjs', meyda: meydaVersion, cases }) + '\n',
);
console.log('wrote meyda_golden.json', cases.map((c) => `${c.rate} Hz: ${c.frames}x${c.dim}`).join(', '));
