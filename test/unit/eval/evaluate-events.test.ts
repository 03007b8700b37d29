import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateEventPosteriors, readEvaluation, readEventList } from '../../../src/eval/index.js';

// Two files, classes [dog, cat], 20 frames of 0.1 s each (centres 0.05 + 0.1 i).
function file(name: string, dogFrames: [number, number], catFrames: [number, number] | null) {
  const n = 20;
  const posteriors = new Float32Array(n * 2);
  const targets = new Uint8Array(n * 2);
  for (let t = 0; t < n; t++) {
    const dog = t >= dogFrames[0] && t < dogFrames[1];
    const cat = catFrames !== null && t >= catFrames[0] && t < catFrames[1];
    posteriors[t * 2] = dog ? 0.9 : 0.1;
    posteriors[t * 2 + 1] = cat ? 0.8 : 0.2;
    targets[t * 2] = dog ? 1 : 0;
    targets[t * 2 + 1] = t >= 10 && t < 15 ? 1 : 0;
  }
  return { file: name, posteriors, targets };
}

test('evaluateEventPosteriors: post-processing, sed_eval scoring, files for the report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-evev-'));
  const files = [
    // dog detected exactly [0.2, 0.8); cat reference [1.0, 1.5) detected [1.0, 1.5)
    { ...file('a.wav', [2, 8], [10, 15]), reference: [{ onset: 0.2, offset: 0.8, label: 'dog' }, { onset: 1.0, offset: 1.5, label: 'cat' }] },
    // dog detected [0.5, 0.9) but the reference is [0.1, 0.9): onset off by 0.4 s -> miss + insertion; cat missed
    { ...file('b.wav', [5, 9], null), reference: [{ onset: 0.1, offset: 0.9, label: 'dog' }, { onset: 1.0, offset: 1.5, label: 'cat' }] },
  ];
  const { record, detected, scores } = evaluateEventPosteriors(files, { labels: ['dog', 'cat'], postprocess: { shiftSec: 0.1 }, outDir: dir, set: 'eval' });
  assert.deepEqual(
    detected.map((e) => [e.file, e.label, +e.onset.toFixed(6), +e.offset.toFixed(6)]),
    [
      ['a.wav', 'dog', 0.2, 0.8],
      ['a.wav', 'cat', 1.0, 1.5],
      ['b.wav', 'dog', 0.5, 0.9],
    ],
  );
  const c = scores.eventBased.overall.counts;
  assert.deepEqual([c.Nref, c.Nsys, c.Ntp, c.Nfn, c.Nfp], [4, 3, 2, 2, 1]);
  assert.equal(record.task, 'events');
  assert.equal(record.multilabel!.frames, 40);
  const back = readEvaluation(join(dir, 'metrics.json'));
  assert.equal(back.task, 'events');
  assert.equal(back.events!.eventBased!.overall.counts.Ntp, 2);
  assert.equal(readEventList(join(dir, 'detected.tsv')).events.length, 3);
  assert.deepEqual(readEventList(join(dir, 'reference.tsv')).files, ['a.wav', 'b.wav']);
});
