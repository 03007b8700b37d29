import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  accumulateCmvnSums,
  addDeltas,
  applyCmvnSums,
  cmvnSumsFromJson,
  cmvnSumsOf,
  cmvnSumsToJson,
  createCmvnSums,
  deltaScales,
  mergeCmvnSums,
  perUtteranceCmvn,
  speakerCmvnSums,
  spliceFrames,
  type FeatureMatrix,
} from '../../../src/features/index.js';
import { kaldiGolden, maxDiff } from './golden-helpers.js';

const DIM = 13;

function utt(name: string): FeatureMatrix {
  const u = kaldiGolden().cmvn.utterances[name]!;
  return { data: Float32Array.from(u.values), frames: u.frames, dim: DIM };
}

test('add-deltas (order 2, window 2) matches torchaudio compute_deltas applied as Kaldi does', () => {
  const g = kaldiGolden().deltas;
  const input: FeatureMatrix = { data: Float32Array.from(g.input.values), frames: g.input.frames, dim: g.input.dim };
  const out = addDeltas(input);
  assert.equal(out.dim, 3 * g.input.dim);
  assert.equal(out.frames, g.input.frames);
  const d = maxDiff(out.data, g.order2window2);
  assert.ok(d.abs < 1e-4, `max abs diff ${d.abs}`);
});

test('delta filters are Kaldi\'s: [-2..2]/10 and its self-convolution', () => {
  const s = deltaScales(2, 2);
  assert.deepEqual(Array.from(s[1]!), [-0.2, -0.1, 0, 0.1, 0.2]);
  // Hand-computed: conv([-2,-1,0,1,2],[-2,-1,0,1,2]) / 100 = [4,4,1,-4,-10,-4,1,4,4]/100.
  const expected = [4, 4, 1, -4, -10, -4, 1, 4, 4].map((v) => v / 100);
  assert.ok(maxDiff(s[2]!, expected).abs < 1e-15);
});

test('per-utterance CMVN (mean, mean+variance) matches the Kaldi formulas', () => {
  const g = kaldiGolden().cmvn;
  const a1 = utt('a1');
  assert.ok(maxDiff(perUtteranceCmvn(a1).data, g.perUtteranceMean['a1']!).abs < 1e-4);
  assert.ok(maxDiff(perUtteranceCmvn(a1, { normVars: true }).data, g.perUtteranceMeanVar['a1']!).abs < 1e-4);
  // Normalised columns have mean 0 and variance 1.
  const n = perUtteranceCmvn(a1, { normVars: true });
  const s = cmvnSumsOf(n);
  for (let d = 0; d < DIM; d++) {
    assert.ok(Math.abs(s.sum[d]! / s.count) < 1e-5);
    assert.ok(Math.abs(s.sumSq[d]! / s.count - 1) < 1e-4);
  }
});

test('per-speaker and global CMVN from accumulated statistics match the Kaldi formulas', () => {
  const g = kaldiGolden().cmvn;
  const feats = new Map([
    ['a1', utt('a1')],
    ['a2', utt('a2')],
    ['b', utt('b')],
  ]);
  const spk = speakerCmvnSums(feats, new Map(Object.entries(g.utt2spk)));
  assert.equal(spk.get('A')!.count, feats.get('a1')!.frames + feats.get('a2')!.frames);
  assert.ok(maxDiff(applyCmvnSums(feats.get('a2')!, spk.get('A')!, { normVars: true }).data, g.perSpeakerMeanVar['a2']!).abs < 1e-4);
  assert.ok(maxDiff(applyCmvnSums(feats.get('b')!, spk.get('B')!, { normVars: true }).data, g.perSpeakerMeanVar['b']!).abs < 1e-4);
  const global = mergeCmvnSums([...spk.values()], DIM);
  assert.ok(maxDiff(applyCmvnSums(feats.get('a2')!, global, { normVars: true }).data, g.globalMeanVar['a2']!).abs < 1e-4);
  // Accumulating utterance by utterance gives the same statistics as merging speakers.
  const acc = createCmvnSums(DIM);
  for (const m of feats.values()) accumulateCmvnSums(acc, m);
  assert.equal(acc.count, global.count);
  assert.ok(maxDiff(acc.sum, global.sum).abs < 1e-6);
  // JSON round trip.
  const back = cmvnSumsFromJson(JSON.parse(JSON.stringify(cmvnSumsToJson(global))));
  assert.deepEqual(Array.from(back.sumSq), Array.from(global.sumSq));
});

test('CMVN rejects empty and malformed statistics with HibikiError codes', () => {
  assert.throws(() => applyCmvnSums(utt('a1'), createCmvnSums(DIM)), { code: 'CMVN_EMPTY_SUMS' });
  assert.throws(() => cmvnSumsFromJson({ dim: 2, count: 1, sum: [1], sumSq: [1, 2] }, 'stats.json'), { code: 'CMVN_SUMS_INVALID' });
});

test('splicing +-2 frames repeats edge frames, as numpy with clamped indices', () => {
  const g = kaldiGolden().splice;
  const out = spliceFrames(utt('a2'), g.context);
  assert.equal(out.dim, DIM * 5);
  assert.ok(maxDiff(out.data, g.a2).abs < 1e-5);
  const tiny: FeatureMatrix = { data: Float32Array.of(1, 2, 3), frames: 3, dim: 1 };
  assert.deepEqual(Array.from(spliceFrames(tiny, 1, 2).data), [1, 1, 2, 3, 1, 2, 3, 3, 2, 3, 3, 3]);
});
