import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataDir } from '../../../src/data/index.js';
import { buildVocabulary, resolveExperimentConfig } from '../../../src/pipeline/experiment/index.js';
import { utteranceEvents } from '../../../src/pipeline/experiment/datasets.js';

test('utteranceEvents: recording events shifted and clipped to each segment', () => {
  const data: DataDir = {
    wavScp: new Map([['rec', '/a/rec.wav']]),
    segments: new Map([
      ['u1', { recording: 'rec', start: 1, end: 3 }],
      ['u2', { recording: 'rec', start: 3, end: -1 }],
    ]),
    events: new Map([['rec', [{ onset: 0.5, offset: 1.5, label: 'dog' }, { onset: 2.5, offset: 4, label: 'cat' }, { onset: 5, offset: 6, label: 'dog' }]]]),
  };
  const ev = utteranceEvents(data);
  assert.deepEqual(ev.get('u1'), [
    { onset: 0, offset: 0.5, label: 'dog' },
    { onset: 1.5, offset: 2, label: 'cat' },
  ]);
  assert.deepEqual(ev.get('u2'), [
    { onset: 0, offset: 1, label: 'cat' },
    { onset: 2, offset: 3, label: 'dog' },
  ]);
  // Without segments the events are keyed by utterance already.
  const plain: DataDir = { wavScp: new Map([['u', '/u.wav']]), events: new Map([['u', [{ onset: 0, offset: 1, label: 'x' }]]]) };
  assert.equal(utteranceEvents(plain), plain.events);
});

test('buildVocabulary: sorted training labels, CTC blank first, uncovered label and <unk> added', () => {
  const data: DataDir = {
    wavScp: new Map([['u', '/u.wav']]),
    alignment: new Map([['u', [{ start: 0, end: 1, label: 'b' }, { start: 1, end: 2, label: 'a' }]]]),
    text: new Map([['u', ['z', 'y', 'z']]]),
  };
  const frame = resolveExperimentConfig({ value: { task: 'frame', labels: { uncovered: 'sil', unk: 'map' } } });
  assert.deepEqual(buildVocabulary(frame, data).labels, ['a', 'b', 'sil', '<unk>']);
  const ctc = resolveExperimentConfig({ value: { task: 'ctc', model: { type: 'bigru' } } });
  assert.deepEqual(buildVocabulary(ctc, data).labels, ['<blank>', 'y', 'z']);
});
