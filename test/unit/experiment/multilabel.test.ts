import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateExperiment, inferFiles, resolveExperimentConfig, trainExperiment } from '../../../src/pipeline/experiment/index.js';
import { readEvaluation, readEventList } from '../../../src/eval/index.js';
import { writeEventCorpus } from './tones.js';

const root = mkdtempSync(join(tmpdir(), 'hibiki-exp-ml-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

const LABELS = ['a', 'b', 'c'];
writeEventCorpus(join(root, 'train'), { files: 8, seed: 11, labels: LABELS, seconds: 1.5 });
writeEventCorpus(join(root, 'dev'), { files: 3, seed: 12, labels: LABELS, seconds: 1.5 });

test('multilabel task: F1 above chance, sed metrics and detected.tsv, infer segments equal detected events', async () => {
  const path = join(root, 'ml.yaml');
  writeFileSync(
    path,
    `task: multilabel
seed: 5
backend: cpu
features: { sampleRate: 8000, numMelBins: 15 }
batches: { batchSize: 64, context: 2 }
model: { type: mlp, hidden: [24] }
loss: { smoothing: binary, epsilon: 0.1 }
train: { epochs: 4, progress: none, optimizer: { learningRate: 0.01 } }
eval: { medianFrames: 3, collarSec: 0.2 }
`,
  );
  const config = resolveExperimentConfig({ file: path });
  const expDir = join(root, 'exp');
  const summary = await trainExperiment({ config, train: { dataDir: join(root, 'train'), name: 'train' }, dev: { dataDir: join(root, 'dev'), name: 'dev' }, expDir, numJobs: 0, handleSignals: false });
  assert.equal(summary.status, 'completed');
  assert.equal(summary.best?.metric, 'f1');

  await evaluateExperiment({ expDir, data: { dataDir: join(root, 'dev'), name: 'dev' }, numJobs: 0 });
  const m = readEvaluation(join(expDir, 'eval', 'dev', 'metrics.json'));
  assert.equal(m.task, 'events');
  const ml = m.multilabel!;
  // Chance level: a predictor that marks every frame active has F1 = 2p/(1+p) with p the
  // fraction of active (frame, class) cells; the model must do clearly better.
  const support = ml.perClass.reduce((a, c) => a + c.support, 0);
  const p = support / (ml.frames * LABELS.length);
  const chance = (2 * p) / (1 + p);
  assert.ok(ml.micro.f1 > chance + 0.15, `micro F1 ${ml.micro.f1} vs chance ${chance}`);
  // Consistency of the per-class counts with the micro average.
  const tp = ml.perClass.reduce((a, c) => a + c.tp, 0);
  const fp = ml.perClass.reduce((a, c) => a + c.fp, 0);
  const fn = ml.perClass.reduce((a, c) => a + c.fn, 0);
  assert.ok(Math.abs(ml.micro.f1 - (2 * tp) / (2 * tp + fp + fn)) < 1e-12);
  for (const c of ml.perClass) assert.equal(c.tp + c.fp + c.fn + c.tn, ml.frames);
  assert.ok(m.events?.segmentBased !== undefined && m.events.eventBased !== undefined);
  const seg = m.events.segmentBased.overall;
  assert.ok(seg.fMeasure.fMeasure > 0.5, JSON.stringify(seg.fMeasure));
  assert.equal(m.events.eventBased.overall.counts.Nref, readEventList(join(expDir, 'eval', 'dev', 'reference.tsv')).events.length);

  // detected.tsv holds the post-processed events; infer --segments on a wav gives the same ones.
  const detected = readEventList(join(expDir, 'eval', 'dev', 'detected.tsv'));
  assert.ok(existsSync(join(expDir, 'eval', 'dev', 'reference.tsv')));
  const wav = join(root, 'dev', 'wav', 'rec001.wav');
  const [r] = await inferFiles({ modelDir: join(expDir, 'model'), wavs: [wav], segments: true, posteriors: true });
  const key = (label: string, a: number): string => `${label} ${a.toFixed(2)}`;
  const mine = detected.events.filter((e) => e.file === 'rec001.wav').sort((x, y) => key(x.label, x.onset).localeCompare(key(y.label, y.onset)));
  const theirs = r!.segments!.slice().sort((x, y) => key(x.label, x.start).localeCompare(key(y.label, y.start)));
  assert.ok(mine.length > 0);
  assert.equal(theirs.length, mine.length);
  // detected.tsv is written with millisecond precision.
  theirs.forEach((s, i) => {
    assert.equal(s.label, mine[i]!.label);
    assert.ok(Math.abs(s.start - mine[i]!.onset) <= 5e-4 + 1e-9 && Math.abs(s.end - mine[i]!.offset) <= 5e-4 + 1e-9, `${JSON.stringify(s)} vs ${JSON.stringify(mine[i])}`);
  });
  // Per-frame labels agree with the posteriors and the 0.5 threshold.
  r!.posteriors!.forEach((row, t) => {
    const on = LABELS.filter((_, c) => row[c]! >= 0.5);
    assert.equal(r!.labels[t], on.length === 0 ? '-' : on.join('+'));
  });
  assert.match(readFileSync(join(expDir, 'model', 'frontend.json'), 'utf8'), /"multi-label"/);
});
