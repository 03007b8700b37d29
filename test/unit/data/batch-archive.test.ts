import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npyHeader, openFeatureArchive } from '../../../src/data/archive/index.js';
import {
  alignmentFrameSource,
  archiveCmvn,
  frameBatches,
  transcriptSource,
  utteranceBatches,
} from '../../../src/data/batches/index.js';
import { Vocabulary } from '../../../src/data/vocab/index.js';
import { isHibikiError } from '../../../src/errors.js';
import { cmvnSumsOf, cmvnSumsToJson, resolveFeatureConfig } from '../../../src/features/index.js';

/** A hand-made archive: utterances u1 (8 frames) and u2 (5 frames), dim 2, one shard. */
function makeArchive(dir: string): void {
  const rows = 13;
  const data = Float32Array.from({ length: rows * 2 }, (_, i) => i);
  const head = npyHeader(rows, 2);
  const bytes = new Uint8Array(head.length + data.byteLength);
  bytes.set(head);
  bytes.set(new Uint8Array(data.buffer), head.length);
  writeFileSync(join(dir, 'feats.0.npy'), bytes);
  writeFileSync(
    join(dir, 'index.jsonl'),
    [
      { utt: 'u1', shard: 'feats.0.npy', offset: 0, frames: 8, dim: 2 },
      { utt: 'u2', shard: 'feats.0.npy', offset: 8, frames: 5, dim: 2 },
    ]
      .map((e) => JSON.stringify(e))
      .join('\n') + '\n',
  );
  writeFileSync(join(dir, 'config.json'), JSON.stringify(resolveFeatureConfig({})));
  writeFileSync(join(dir, 'stats.json'), JSON.stringify(cmvnSumsToJson(cmvnSumsOf({ data, frames: rows, dim: 2 }))));
}

test('archive + alignment adapter: frame labels at 25/10 ms frame centres, features from the shard, CMVN from stats.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-archive-src-'));
  try {
    makeArchive(dir);
    const archive = openFeatureArchive(dir);
    const vocab = Vocabulary.fromLabels(['a', 'b']);
    const data = {
      wavScp: new Map([
        ['u1', '/x/u1.wav'],
        ['u2', '/x/u2.wav'],
      ]),
      alignment: new Map([
        // Frame i's centre is 0.0125 + 0.01 i seconds: frames 0-3 of u1 are a, 4-7 are b.
        ['u1', [{ start: 0, end: 0.05, label: 'a' }, { start: 0.05, end: 0.1, label: 'b' }]],
        ['u2', [{ start: 0, end: 0.07, label: 'b' }]],
      ]),
      text: new Map([
        ['u1', ['a', 'b', 'a']],
        ['u2', ['b']],
      ]),
    };
    const source = alignmentFrameSource(archive, data, vocab);
    const [batch] = [...frameBatches(source, { batchSize: 13, shuffle: false }).batches(0)];
    assert.deepEqual([...batch!.y], [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    assert.deepEqual([...batch!.x.subarray(16, 20)], [16, 17, 18, 19]); // u2 frames 0-1 (shard rows 8-9)
    const cmvn = archiveCmvn(archive)!;
    assert.deepEqual([...cmvn.mean], [12, 13]);
    const [norm] = [...frameBatches(source, { batchSize: 13, shuffle: false, cmvn }).batches(0)];
    assert.ok(Math.abs(norm!.x[0]! - -12 / Math.sqrt(Number(cmvn.variance![0]))) < 1e-5);
    const [ctc] = [...utteranceBatches(transcriptSource(archive, data, vocab), { batchSize: 2, shuffle: false }).batches(0)];
    assert.deepEqual([...ctc!.labels], [0, 1, 0, 1, 0, 0]);
    assert.deepEqual([...ctc!.inputLengths], [8, 5]);
    assert.throws(
      () => alignmentFrameSource(archive, { ...data, alignment: new Map([['u1', []]]) }, vocab),
      (e) => isHibikiError(e, 'TARGETS_MISSING') && e.utterance === 'u2',
    );
    archive.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
