// Builds synthetic experiment directories (fabricated train.jsonl, metrics.json, timelines.json and
// a small WAV) for the report tests and the docs screenshot. Seeded: the same call gives the same files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../../src/util/rng.js';
import { writeWav } from '../../../src/audio/index.js';
import { evaluateFramePosteriors, evaluateMultiLabel, posteriorsToEvents, scoreEventLists, writeTimelines, type EventItem } from '../../../src/eval/index.js';

const PHONES = ['sil', 'aa', 'iy', 'uw', 'm', 'n', 's', 'sh'];

function trainLog(dir: string, rng: Rng, finalLoss: number): void {
  const lines: string[] = [];
  let step = 0;
  for (let epoch = 1; epoch <= 6; epoch++) {
    for (let i = 0; i < 10; i++) {
      step += 10;
      const loss = finalLoss + 2.2 * Math.exp(-step / 120) + 0.05 * rng.normal();
      lines.push(JSON.stringify({ kind: 'step', step, epoch, loss, lr: 0.001, framesPerSecond: 20000, time: '2026-01-01T00:00:00Z' }));
    }
    const fer = 0.2 + 0.5 * Math.exp(-epoch / 2) + 0.01 * rng.normal();
    lines.push(JSON.stringify({ kind: 'epoch', epoch, step, trainLoss: finalLoss + 2.2 * Math.exp(-step / 120), dev: { fer, nll: 0.6 + fer, ece: 0.02 + 0.1 / epoch }, time: '2026-01-01T00:00:00Z' }));
  }
  writeFileSync(join(dir, 'train.jsonl'), lines.join('\n') + '\n');
}

/** A phone-classifier experiment; `sharpness` > 1 makes it over-confident, < 1 under-confident. */
export function makeFrameExperiment(root: string, name: string, seed: number, sharpness: number): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'eval', 'test'), { recursive: true });
  const rng = new Rng(seed);
  trainLog(dir, rng.fork('log'), 0.5 / sharpness);
  const k = PHONES.length;
  const n = 2000;
  const post = new Float32Array(n * k);
  const targets = new Int32Array(n);
  for (let t = 0; t < n; t++) {
    const y = rng.int(k);
    targets[t] = y;
    const logits = Array.from({ length: k }, (_, j) => rng.normal() + (j === y ? 2.2 : 0) + (j === (y + 1) % k ? 0.8 : 0));
    const z = logits.map((l) => Math.exp(l * sharpness));
    const s = z.reduce((a, b) => a + b, 0);
    for (let j = 0; j < k; j++) post[t * k + j] = z[j]! / s;
  }
  evaluateFramePosteriors({ posteriors: post, targets, numClasses: k }, { labels: PHONES, outDir: join(dir, 'eval', 'test'), set: 'test' });
  return dir;
}

/** A sound-event experiment with multi-label metrics, sed_eval metrics, and timelines over a WAV. */
export function makeEventExperiment(root: string, name: string, seed: number): string {
  const dir = join(root, name);
  const evalDir = join(dir, 'eval', 'test');
  mkdirSync(evalDir, { recursive: true });
  const rng = new Rng(seed);
  trainLog(dir, rng.fork('log'), 0.3);
  const labels = ['dog', 'speech', 'siren'];
  const sr = 16000;
  const seconds = 6;
  const shift = 0.02;
  const frames = Math.round(seconds / shift);
  const reference: EventItem[] = [
    { file: 'clip1.wav', onset: 0.5, offset: 1.4, label: 'dog' },
    { file: 'clip1.wav', onset: 2.0, offset: 4.1, label: 'speech' },
    { file: 'clip1.wav', onset: 3.5, offset: 5.6, label: 'siren' },
  ];
  // Audio: a bark-like noise burst, a harmonic "voice", a rising siren tone.
  const x = new Float32Array(sr * seconds);
  for (let i = 0; i < x.length; i++) {
    const t = i / sr;
    let v = 0.002 * rng.normal();
    if (t >= 0.5 && t < 1.4 && Math.sin(2 * Math.PI * 3 * t) > 0) v += 0.3 * rng.normal() * Math.sin(2 * Math.PI * 900 * t);
    if (t >= 2.0 && t < 4.1) for (let h = 1; h <= 6; h++) v += (0.12 / h) * Math.sin(2 * Math.PI * 180 * h * t);
    if (t >= 3.5 && t < 5.6) v += 0.2 * Math.sin(2 * Math.PI * (1200 * t + 400 * Math.sin(2 * Math.PI * 0.8 * t)));
    x[i] = Math.max(-1, Math.min(1, v));
  }
  writeWav(join(dir, 'clip1.wav'), x, sr);
  const c = labels.length;
  const post = new Float32Array(frames * c);
  const targets = new Uint8Array(frames * c);
  for (let t = 0; t < frames; t++) {
    const centre = t * shift + shift / 2;
    for (let j = 0; j < c; j++) {
      const active = reference.some((e) => e.label === labels[j] && centre >= e.onset && centre < e.offset);
      targets[t * c + j] = active ? 1 : 0;
      const logit = (active ? 2.5 : -2.5) + 1.6 * rng.normal();
      post[t * c + j] = 1 / (1 + Math.exp(-logit));
    }
  }
  const detected = posteriorsToEvents(post, { labels, shiftSec: shift, medianFrames: 7, mergeGapSec: 0.2, minDurationSec: 0.1, file: 'clip1.wav' });
  const scored = scoreEventLists({ events: reference, files: ['clip1.wav'] }, { events: detected, files: ['clip1.wav'] }, { labels });
  evaluateMultiLabel(
    { posteriors: post, targets, numClasses: c },
    { labels, outDir: evalDir, set: 'test', events: { segmentBased: scored.segmentBased, eventBased: scored.eventBased } },
  );
  writeTimelines(evalDir, [{ file: 'clip1.wav', audio: 'clip1.wav', reference, detected }]);
  return dir;
}
