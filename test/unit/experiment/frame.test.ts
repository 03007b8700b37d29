import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HibikiError } from '../../../src/errors.js';
import {
  evaluateExperiment,
  inferFiles,
  resolveExperimentConfig,
  trainExperiment,
  decodeExperiment,
  type ExperimentConfig,
} from '../../../src/pipeline/experiment/index.js';
import { readEvaluation, type MetricsRecord } from '../../../src/eval/index.js';
import { readJsonl } from '../../../src/util/jsonl.js';
import { alignmentToFrameTargets, readDataDir, Vocabulary } from '../../../src/data/index.js';
import { writeSequenceCorpus } from './tones.js';

const root = mkdtempSync(join(tmpdir(), 'hibiki-exp-frame-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

const LABELS = ['a', 'b', 'c'];
writeSequenceCorpus(join(root, 'train'), { utterances: 8, seed: 1, labels: LABELS, segSec: [0.1, 0.3], tokensPerUtt: [3, 5] });
writeSequenceCorpus(join(root, 'dev'), { utterances: 3, seed: 2, labels: LABELS, segSec: [0.1, 0.3], tokensPerUtt: [3, 5] });

const YAML = `
task: frame
seed: 3
backend: cpu
features: { sampleRate: 8000, numMelBins: 15 }
batches: { batchSize: 64, context: 2, bufferFrames: 2000 }
model: { type: mlp, hidden: [24] }
loss: { smoothing: boundary, epsilon: 0.2, boundaryWidth: 2 }
train: { epochs: 4, checkpointEvery: 7, logEvery: 5, progress: none, optimizer: { learningRate: 0.01 } }
`;

function configOf(overrides: string[] = []): ExperimentConfig {
  const path = join(root, 'frame.yaml');
  writeFileSync(path, YAML);
  return resolveExperimentConfig({ file: path, overrides });
}

test('frame task: trains below chance, eval metrics match recomputation, infer equals eval', async () => {
  const expDir = join(root, 'exp-frame');
  const summary = await trainExperiment({
    config: configOf(),
    train: { dataDir: join(root, 'train'), name: 'train' },
    dev: { dataDir: join(root, 'dev'), name: 'dev' },
    expDir,
    numJobs: 0,
    handleSignals: false,
  });
  assert.equal(summary.status, 'completed');
  assert.equal(summary.backend.name, 'cpu');
  assert.equal(summary.classes, 3);
  const log = readJsonl<{ kind: string; backend?: string; dev?: Record<string, number> }>(join(expDir, 'train.jsonl'));
  assert.equal(log[0]?.kind, 'run');
  assert.equal(log[0]?.backend, 'cpu');
  const epochs = log.filter((r) => r.kind === 'epoch');
  assert.equal(epochs.length, 4);
  const lastFer = epochs.at(-1)!.dev!['fer']!;
  // Chance for 3 balanced classes is 2/3.
  assert.ok(lastFer < 0.3, `dev FER ${lastFer}`);
  assert.match(readFileSync(join(expDir, 'config.yaml'), 'utf8'), /backend: cpu/);

  const metrics = (await evaluateExperiment({ expDir, data: { dataDir: join(root, 'dev'), name: 'dev' }, numJobs: 0 })) as MetricsRecord;
  const onDisk = readEvaluation(join(expDir, 'eval', 'dev', 'metrics.json'));
  assert.equal(onDisk.task, 'frame');
  const f = onDisk.frame!;
  // Consistency: errors = frames - trace(confusion); per-class counts sum to the total.
  const trace = f.confusion.reduce((a, row, i) => a + row[i]!, 0);
  const total = f.confusion.flat().reduce((a, b) => a + b, 0);
  assert.equal(total, f.frames);
  assert.equal(f.errors, f.frames - trace);
  assert.ok(Math.abs(f.fer - f.errors / f.frames) < 1e-12);
  assert.equal(f.perClass.reduce((a, c) => a + c.count, 0), f.frames);
  assert.equal(f.eceBins, 15);
  assert.ok(f.fer < 0.3);
  assert.deepEqual(metrics.frame!.confusion, f.confusion);
  // The best epoch's dev FER is what the exported (best) model scores.
  const best = JSON.parse(readFileSync(join(expDir, 'best', 'best.json'), 'utf8')) as { value: number };
  assert.ok(Math.abs(best.value - f.fer) < 1e-9, `best ${best.value} vs eval ${f.fer}`);

  // decode: per-frame labels; infer on the same wav gives the same labels.
  const dec = await decodeExperiment({ expDir, data: { dataDir: join(root, 'dev'), name: 'dev' }, numJobs: 0 });
  const lines = readFileSync(join(dec.outDir, 'frame-labels.txt'), 'utf8').trim().split('\n');
  const decoded = new Map(lines.map((l) => [l.split(' ')[0]!, l.split(' ').slice(1)]));
  // Recompute the confusion matrix from the decoded labels and the reference alignment.
  const dev = readDataDir(join(root, 'dev'));
  const vocab = Vocabulary.fromLabels(f.perClass.map((c) => c.label));
  const confusion = vocab.labels.map(() => vocab.labels.map(() => 0));
  for (const [utt, hyp] of decoded) {
    const ref = alignmentToFrameTargets(dev.alignment!.get(utt)!, hyp.length, { lengthSec: 0.025, shiftSec: 0.01, snipEdges: true }, vocab).labels;
    hyp.forEach((h, t) => (confusion[ref[t]!]![vocab.index(h)]! += 1));
  }
  assert.deepEqual(confusion, f.confusion);
  const results = await inferFiles({ modelDir: expDir, wavs: [join(root, 'dev', 'wav', 'utt000.wav'), join(root, 'dev', 'wav', 'utt002.wav')], posteriors: true, segments: true });
  assert.equal(results.length, 2);
  for (const r of results) {
    assert.deepEqual(r.labels, decoded.get(r.utt));
    assert.equal(r.posteriors!.length, r.labels.length);
    for (const row of r.posteriors!) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    assert.ok(r.segments!.length >= 2);
  }
});

test('a bad config gives CONFIG_INVALID with the path', () => {
  assert.throws(
    () => configOf(['model.hidden=[-3]']),
    (e: unknown) => e instanceof HibikiError && e.code === 'CONFIG_INVALID' && /model\.hidden\[0\]/.test(e.message),
  );
  assert.throws(
    () => configOf(['loss.smoothing=binary']),
    (e: unknown) => e instanceof HibikiError && e.code === 'CONFIG_INVALID' && /loss\.smoothing/.test(e.message),
  );
  assert.throws(
    () => configOf(['train.monitor={metric: wer, mode: min}']),
    (e: unknown) => e instanceof HibikiError && e.code === 'CONFIG_INVALID' && /train\.monitor\.metric/.test(e.message),
  );
  assert.throws(
    () => configOf(['model={type: tdnn, subsampling: 2}']),
    (e: unknown) => e instanceof HibikiError && e.code === 'CONFIG_INVALID' && /model\.subsampling/.test(e.message),
  );
  const bad = join(root, 'bad.yaml');
  writeFileSync(bad, 'task: frame\nmodel:\n  type: mlp\n  hiden: [3]\n');
  assert.throws(
    () => resolveExperimentConfig({ file: bad }),
    (e: unknown) => e instanceof HibikiError && e.code === 'CONFIG_INVALID' && /model\.hiden/.test(e.message) && e.file === bad && e.line === 4,
  );
  assert.throws(
    () => configOf(['features.numCeps=99']),
    (e: unknown) => e instanceof HibikiError && e.code === 'CONFIG_INVALID' && /features/.test(e.message),
  );
});
