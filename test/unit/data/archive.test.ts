import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAudio } from '../../../src/audio/index.js';
import { cmvnSumsOf, computeFeatures, mergeCmvnSums, resolveFeatureConfig } from '../../../src/features/index.js';
import { extractFeatureArchive, openFeatureArchive, parseNpyHeader, type ArchiveProgress } from '../../../src/data/archive/index.js';
import { hashString, Rng } from '../../../src/util/rng.js';
import { makeCorpus, testSignal, writeWav16 } from './archive-helpers.js';

const config = resolveFeatureConfig({ dither: 1, seed: 3 });

function archiveBytes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    if (name === 'stamp.json') continue;
    out.set(name, readFileSync(join(dir, name)).toString('base64'));
  }
  return out;
}

test('archive layout and contents are identical with 0 (in-thread), 1 and 2 worker threads', async () => {
  const corpus = makeCorpus(7);
  const progress: ArchiveProgress[] = [];
  const runs = [];
  for (const numJobs of [0, 1, 2]) {
    const outDir = join(corpus.dir, `out-nj${numJobs}`);
    const s = await extractFeatureArchive({ items: [...corpus.items].reverse(), outDir, config, numJobs, uttsPerShard: 3, onProgress: (p) => progress.push(p) });
    assert.equal(s.skipped, false);
    assert.equal(s.utterances, 7);
    assert.equal(s.shards, 3);
    runs.push(archiveBytes(outDir));
  }
  assert.deepEqual(runs[1], runs[0]);
  assert.deepEqual(runs[2], runs[0]);
  assert.deepEqual([...runs[0]!.keys()], ['config.json', 'feats.0.npy', 'feats.1.npy', 'feats.2.npy', 'index.jsonl', 'stats.json']);
  assert.equal(progress.filter((p) => p.doneUtterances === 7).length, 3);
});

test('the reader streams each utterance exactly as computeFeatures computes it, and stats.json holds the sums', async () => {
  const corpus = makeCorpus(5);
  const outDir = join(corpus.dir, 'out');
  const s = await extractFeatureArchive({ items: corpus.items, outDir, config, numJobs: 2, uttsPerShard: 2 });
  const archive = openFeatureArchive(outDir);
  try {
    assert.deepEqual(archive.config, config);
    assert.deepEqual(archive.entries.map((e) => e.utt), corpus.items.map((i) => i.utt));
    assert.deepEqual(archive.entries.map((e) => [e.shard, e.offset]), [['feats.0.npy', 0], ['feats.0.npy', archive.entries[0]!.frames], ['feats.1.npy', 0], ['feats.1.npy', archive.entries[2]!.frames], ['feats.2.npy', 0]]);
    let frames = 0;
    const mats = [];
    for (const { entry, features } of archive.utterances()) {
      const audio = readAudio(corpus.items.find((i) => i.utt === entry.utt)!.path);
      const rng = new Rng((config.seed ^ hashString(entry.utt)) >>> 0);
      const direct = computeFeatures(audio.samples, audio.sampleRate, config, rng);
      assert.equal(features.frames, direct.frames);
      assert.deepEqual(Array.from(features.data), Array.from(direct.data));
      frames += features.frames;
      mats.push(features);
    }
    assert.equal(s.frames, frames);
    assert.ok(Math.abs(s.audioSeconds - corpus.items.reduce((t, _i, k) => t + 0.2 + 0.05 * k, 0)) < 1e-9);
    const stats = archive.cmvnSums()!;
    const expected = mergeCmvnSums(mats.map(cmvnSumsOf), 13);
    assert.equal(stats.count, frames);
    for (let d = 0; d < 13; d++) assert.ok(Math.abs(stats.sum[d]! - expected.sum[d]!) < 1e-6 * Math.max(1, Math.abs(expected.sum[d]!)));
    assert.deepEqual(Array.from(archive.read('utt03').data), Array.from(mats[3]!.data));
    // Each shard is one .npy array whose rows are the utterances of the index, in order.
    const head = parseNpyHeader(readFileSync(join(outDir, 'feats.1.npy')), 'feats.1.npy');
    assert.equal(head.rows, archive.entries[2]!.frames + archive.entries[3]!.frames);
    assert.equal(head.dim, 13);
    assert.equal(head.dataOffset % 64, 0);
  } finally {
    archive.close();
  }
});

test('segments: start/end seconds cut the recording before framing', async () => {
  const corpus = makeCorpus(1);
  const path = corpus.items[0]!.path;
  const outDir = join(corpus.dir, 'seg');
  const plain = resolveFeatureConfig({});
  await extractFeatureArchive({ items: [{ utt: 'a', path, start: 0.05, end: 0.15 }, { utt: 'b', path, start: 0.1 }], outDir, config: plain, numJobs: 0 });
  const archive = openFeatureArchive(outDir);
  const audio = readAudio(path);
  assert.deepEqual(Array.from(archive.read('a').data), Array.from(computeFeatures(audio.samples.subarray(800, 2400), 16000, plain).data));
  assert.deepEqual(Array.from(archive.read('b').data), Array.from(computeFeatures(audio.samples.subarray(1600), 16000, plain).data));
  archive.close();
});

test('a rerun with unchanged inputs and config is skipped; a touched file or a new config recomputes', async () => {
  const corpus = makeCorpus(3);
  const outDir = join(corpus.dir, 'out');
  const opts = { items: corpus.items, outDir, config, numJobs: 0, uttsPerShard: 2 };
  const first = await extractFeatureArchive(opts);
  assert.equal(first.skipped, false);
  const again = await extractFeatureArchive(opts);
  assert.equal(again.skipped, true);
  assert.equal(again.frames, first.frames);
  const later = new Date(Date.now() + 5000);
  utimesSync(corpus.items[1]!.path, later, later);
  assert.equal((await extractFeatureArchive(opts)).skipped, false);
  assert.equal((await extractFeatureArchive(opts)).skipped, true);
  // A new config with a larger shard size rewrites the layout and removes the stale shard.
  const bigger = await extractFeatureArchive({ ...opts, config: resolveFeatureConfig({ kind: 'fbank' }), uttsPerShard: 10 });
  assert.equal(bigger.skipped, false);
  assert.equal(bigger.dim, 23);
  assert.deepEqual(readdirSync(outDir).filter((n) => n.endsWith('.npy')), ['feats.0.npy']);
  // No temporary files are left behind.
  assert.deepEqual(readdirSync(outDir).filter((n) => n.includes('.tmp')), []);
});

test('too-short utterances are left out and reported; a missing file is FILE_NOT_FOUND with the utterance', async () => {
  const corpus = makeCorpus(2);
  const short = join(corpus.dir, 'short.wav');
  writeWav16(short, testSignal(9, 0.01, 16000), 16000);
  const outDir = join(corpus.dir, 'out');
  const s = await extractFeatureArchive({ items: [...corpus.items, { utt: 'short', path: short }], outDir, config, numJobs: 0 });
  assert.deepEqual(s.tooShort, ['short']);
  assert.equal(openFeatureArchive(outDir).has('short'), false);
  await assert.rejects(extractFeatureArchive({ items: [{ utt: 'x', path: join(corpus.dir, 'nope.wav') }], outDir, config, numJobs: 0 }), { code: 'FILE_NOT_FOUND', utterance: 'x' });
  await assert.rejects(extractFeatureArchive({ items: [corpus.items[0]!, corpus.items[0]!], outDir, config, numJobs: 0 }), { code: 'DUPLICATE_UTTERANCE' });
  await assert.rejects(extractFeatureArchive({ items: [], outDir, config, numJobs: 2 }), { code: 'ARCHIVE_NO_UTTERANCES' });
});

test('errors inside a worker thread come back as the same HibikiError', async () => {
  const corpus = makeCorpus(1);
  const bad = join(corpus.dir, 'bad.wav');
  writeFileSync(bad, 'this is not a wav file at all');
  await assert.rejects(
    extractFeatureArchive({ items: [corpus.items[0]!, { utt: 'zz', path: bad }], outDir: join(corpus.dir, 'o'), config, numJobs: 2, uttsPerShard: 1 }),
    (e: unknown) => {
      const err = e as { name: string; code: string; file: string };
      return err.name === 'HibikiError' && typeof err.code === 'string' && err.code !== 'INTERNAL' && err.file === bad;
    },
  );
  assert.equal(existsSync(join(corpus.dir, 'o', 'stamp.json')), false);
});

test('a corrupt index or shard is reported with file and line', async () => {
  const corpus = makeCorpus(2);
  const outDir = join(corpus.dir, 'out');
  await extractFeatureArchive({ items: corpus.items, outDir, config, numJobs: 0 });
  const index = join(outDir, 'index.jsonl');
  const lines = readFileSync(index, 'utf8').trim().split('\n');
  writeFileSync(index, lines[0] + '\n{"utt":"x","shard":"feats.0.npy","offset":-1,"frames":2,"dim":13}\n');
  assert.throws(() => openFeatureArchive(outDir), { code: 'ARCHIVE_INDEX_INVALID', line: 2 });
  writeFileSync(index, lines[0] + '\n{"utt":"x","shard":"feats.0.npy","offset":100000,"frames":2,"dim":13}\n');
  const a = openFeatureArchive(outDir);
  assert.throws(() => a.read('x'), { code: 'ARCHIVE_CORRUPT', utterance: 'x' });
  assert.throws(() => a.read('nobody'), { code: 'ARCHIVE_UNKNOWN_UTTERANCE' });
  a.close();
});
