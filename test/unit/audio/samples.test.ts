import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readAudio } from '../../../src/audio/index.js';

const root = fileURLToPath(new URL('../../../data/samples/', import.meta.url));

test('shipped phone sample: 16 kHz int16 audio, alignment covers it exactly, text = phones without sil', () => {
  const sig = readAudio(`${root}phones/phones.wav`);
  assert.equal(sig.sampleRate, 16000);
  const ali = readFileSync(`${root}phones/alignment`, 'utf8').trimEnd().split('\n').map((l) => l.split(' '));
  assert.equal(Number(ali[0]![1]), 0);
  assert.equal(Math.round(Number(ali[ali.length - 1]![2]) * 16000), sig.samples.length);
  const phones = ali.map((f) => f[3]!).filter((p) => p !== 'sil');
  assert.equal(readFileSync(`${root}phones/text`, 'utf8'), `phones ${phones.join(' ')}\n`);
  // every sample is on the int16 grid
  assert.ok(sig.samples.every((x) => Number.isInteger(x * 32768)));
});

test('shipped event sample: 4 s at 16 kHz; louder inside the labelled events than outside', () => {
  const sig = readAudio(`${root}events/events.wav`);
  assert.equal(sig.sampleRate, 16000);
  assert.equal(sig.samples.length, 4 * 16000);
  const rows = readFileSync(`${root}events/events.tsv`, 'utf8').trimEnd().split('\n');
  assert.equal(rows[0], 'filename\tonset\toffset\tevent_label');
  const active = new Uint8Array(sig.samples.length);
  for (const r of rows.slice(1)) {
    const [file, on, off] = r.split('\t');
    assert.equal(file, 'events.wav');
    active.fill(1, Math.round(Number(on) * 16000), Math.round(Number(off) * 16000));
  }
  let pIn = 0;
  let nIn = 0;
  let pOut = 0;
  let nOut = 0;
  sig.samples.forEach((x, i) => {
    if (active[i] === 1) { pIn += x * x; nIn++; } else { pOut += x * x; nOut++; }
  });
  assert.ok(nIn > 0 && nOut > 0);
  assert.ok(pIn / nIn > 4 * (pOut / nOut));
});
