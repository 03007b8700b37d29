import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ctcBeamDecode, ctcBeamDecodeNBest, ctcGreedyDecode, type CtcScores } from '../../../src/nn/ctc/decode.js';
import { ctcForwardBackward } from '../../../src/nn/ctc/core.js';

/** Scores from per-frame probabilities [frames][classes] of one utterance. */
function fromProbs(rows: number[][]): CtcScores {
  const C = (rows[0] as number[]).length;
  return { data: Float64Array.from(rows.flat().map(Math.log)), batch: 1, frames: rows.length, classes: C };
}

/** Exact log p(labels | scores) of utterance 0 by the CTC forward algorithm. */
function exactLogProb(s: CtcScores, labels: number[], blank = 0): number {
  const r = ctcForwardBackward({ logits: s.data, batch: 1, frames: s.frames, classes: s.classes, layout: s.layout ?? 'BTC', labels: [labels], inputLengths: [s.frames], blank });
  return -(r.nll[0] as number);
}

test('greedy and beam differ where summing alignments matters (hand-computed)', () => {
  // Two frames, p(blank) = .55, p(a) = .45. Best path: blank blank -> "", .3025.
  // Prefix "a": aa + a_ + _a = .2025 + .2475 + .2475 = .6975.
  const s = fromProbs([[0.55, 0.45], [0.55, 0.45]]);
  const g = ctcGreedyDecode(s)[0]!;
  assert.deepEqual(g.tokens, []);
  assert.ok(Math.abs(g.logProb - Math.log(0.3025)) < 1e-12);
  const b = ctcBeamDecode(s, { beamWidth: 4 })[0]!;
  assert.deepEqual(b.tokens, [1]);
  assert.deepEqual(b.frames, [0]);
  assert.ok(Math.abs(b.logProb - Math.log(0.6975)) < 1e-12);
  // An insertion penalty of 1 nat per token turns it back: log .6975 - 1 < log .3025.
  assert.deepEqual(ctcBeamDecode(s, { beamWidth: 4, insertionBonus: -1 })[0]!.tokens, []);
  const nbest = ctcBeamDecodeNBest(s, { beamWidth: 4, nBest: 3 })[0]!;
  // "a a" needs a blank between the two a's, impossible in 2 frames: not a hypothesis.
  assert.deepEqual(nbest.map((h) => h.tokens), [[1], []]);
  assert.ok(Math.abs(nbest[1]!.logProb - Math.log(0.3025)) < 1e-12);
  // A blank penalty of 0.3 nats makes 'a' the frame winner (log .45 > log .55 - .3): greedy "a".
  const pen = ctcGreedyDecode(s, { blankPenalty: 0.3 })[0]!;
  assert.deepEqual([pen.tokens, pen.frames], [[1], [0]]);
  assert.ok(Math.abs(pen.logProb - 2 * Math.log(0.45)) < 1e-12);
  // Beam: "" now scores .3025 e^-0.6; "a" = .2025 + 2 * .2475 e^-0.3.
  const bp = ctcBeamDecodeNBest(s, { beamWidth: 4, nBest: 2, blankPenalty: 0.3 })[0]!;
  assert.ok(Math.abs(bp[0]!.logProb - Math.log(0.2025 + 2 * 0.2475 * Math.exp(-0.3))) < 1e-12);
  assert.ok(Math.abs(bp[1]!.logProb - (Math.log(0.3025) - 0.6)) < 1e-12);
});

test('greedy: collapse repeats, blanks separate repeated tokens, frames are run starts, lengths respected', () => {
  // argmax path: a a _ a b b _ | (padding beyond length 7)
  const rows = [
    [0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8], [0.1, 0.1, 0.8], [0.8, 0.1, 0.1], [0.1, 0.1, 0.8],
  ];
  const one = fromProbs(rows);
  const s: CtcScores = { ...one, lengths: [7] };
  const g = ctcGreedyDecode(s)[0]!;
  assert.deepEqual(g.tokens, [1, 1, 2]);
  assert.deepEqual(g.frames, [0, 3, 4]);
  assert.ok(Math.abs(g.logProb - 7 * Math.log(0.8)) < 1e-9);
  assert.deepEqual(ctcGreedyDecode({ ...one, lengths: [8] })[0]!.frames, [0, 3, 4, 7]);
  // blank not 0: class 2 as blank turns the b runs into blanks.
  assert.deepEqual(ctcGreedyDecode(s, { blank: 2 })[0]!.tokens, [1, 0, 1, 0]);
});

test('batched decoding equals per-utterance decoding, in both layouts', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 2, max: 5 }), fc.integer(), (B, T, C, seed) => {
      let x = seed >>> 0;
      const rnd = (): number => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 6 - 3;
      const btc = Float32Array.from({ length: B * T * C }, rnd);
      const tbc = new Float32Array(B * T * C);
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let k = 0; k < C; k++) tbc[(t * B + b) * C + k] = btc[(b * T + t) * C + k]!;
      const lengths = Array.from({ length: B }, (_, b) => Math.max(0, T - b));
      const all = ctcBeamDecode({ data: btc, batch: B, frames: T, classes: C, lengths }, { beamWidth: 3 });
      const allT = ctcBeamDecode({ data: tbc, batch: B, frames: T, classes: C, lengths, layout: 'TBC' }, { beamWidth: 3 });
      assert.deepEqual(allT, all);
      for (let b = 0; b < B; b++) {
        const one = ctcBeamDecode({ data: btc.slice(b * T * C, (b + 1) * T * C), batch: 1, frames: T, classes: C, lengths: [lengths[b]!] }, { beamWidth: 3 });
        assert.deepEqual(one[0], all[b]);
        const g1 = ctcGreedyDecode({ data: btc.slice(b * T * C, (b + 1) * T * C), batch: 1, frames: T, classes: C, lengths: [lengths[b]!] });
        assert.deepEqual(g1[0], ctcGreedyDecode({ data: tbc, batch: B, frames: T, classes: C, lengths, layout: 'TBC' })[b]);
      }
    }),
    { numRuns: 60, seed: 7 },
  );
});

/** Random peaky posteriors: one class gets >= 0.9 in every frame. */
const peaky = fc
  .record({ T: fc.integer({ min: 1, max: 12 }), C: fc.integer({ min: 2, max: 5 }), seed: fc.integer() })
  .map(({ T, C, seed }) => {
    let x = seed >>> 0;
    const rnd = (): number => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const rows: number[][] = [];
    for (let t = 0; t < T; t++) {
      const top = Math.floor(rnd() * C);
      const rest = Array.from({ length: C }, () => rnd() + 1e-3);
      rest[top] = 0;
      const restSum = rest.reduce((a, b) => a + b, 0);
      const topP = 0.9 + 0.099 * rnd();
      rows.push(rest.map((r, k) => (k === top ? topP : ((1 - topP) * r) / restSum)));
    }
    return rows;
  });

test('beam width 1 equals greedy on peaky posteriors (max class >= 0.9 per frame)', () => {
  fc.assert(
    fc.property(peaky, (rows) => {
      const s = fromProbs(rows);
      const g = ctcGreedyDecode(s)[0]!;
      const b = ctcBeamDecode(s, { beamWidth: 1 })[0]!;
      assert.deepEqual(b.tokens, g.tokens);
      assert.deepEqual(b.frames, g.frames);
    }),
    { numRuns: 300, seed: 11 },
  );
});

const anyPosteriors = fc
  .record({ T: fc.integer({ min: 1, max: 5 }), C: fc.integer({ min: 2, max: 3 }), seed: fc.integer() })
  .map(({ T, C, seed }) => {
    let x = seed >>> 0;
    const rnd = (): number => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    return Array.from({ length: T }, () => {
      const r = Array.from({ length: C }, () => rnd() ** 3 + 1e-3);
      const sum = r.reduce((a, b) => a + b, 0);
      return r.map((v) => v / sum);
    });
  });

function allSequences(maxLen: number, labels: number[]): number[][] {
  const out: number[][] = [[]];
  let frontier: number[][] = [[]];
  for (let l = 1; l <= maxLen; l++) {
    frontier = frontier.flatMap((p) => labels.map((k) => [...p, k]));
    out.push(...frontier);
  }
  return out;
}

test('wide beam finds the exact most probable label sequence, with its exact probability', () => {
  fc.assert(
    fc.property(anyPosteriors, (rows) => {
      const s = fromProbs(rows);
      const C = rows[0]!.length;
      // Width 64 exceeds the number of distinct prefixes (<= 1+2+...+2^5 = 63): no pruning at all.
      const b = ctcBeamDecode(s, { beamWidth: 64 })[0]!;
      let best = -Infinity;
      for (const seq of allSequences(rows.length, Array.from({ length: C - 1 }, (_, i) => i + 1))) best = Math.max(best, exactLogProb(s, seq));
      assert.ok(Math.abs(b.logProb - best) < 1e-9, `beam ${b.logProb} exact best ${best}`);
      assert.ok(Math.abs(exactLogProb(s, b.tokens) - b.logProb) < 1e-9);
    }),
    { numRuns: 150, seed: 3 },
  );
});

test("the beam's best prefix is at least as probable as the greedy path", () => {
  fc.assert(
    fc.property(anyPosteriors, fc.integer({ min: 2, max: 8 }), (rows, width) => {
      const s = fromProbs(rows);
      const g = ctcGreedyDecode(s)[0]!;
      const b = ctcBeamDecode(s, { beamWidth: width })[0]!;
      assert.ok(b.logProb >= g.logProb - 1e-12, `beam ${b.logProb} < greedy path ${g.logProb}`);
      // The beam's score never exceeds the exact prefix probability (it sums a subset of alignments).
      assert.ok(b.logProb <= exactLogProb(s, b.tokens) + 1e-9);
    }),
    { numRuns: 300, seed: 5 },
  );
});

test('decoders reject bad input with HibikiError', () => {
  const s = fromProbs([[0.5, 0.5]]);
  assert.throws(() => ctcGreedyDecode({ ...s, lengths: [2] }), /CTC_BAD_LENGTHS/);
  assert.throws(() => ctcBeamDecode(s, { beamWidth: 0 }), /CTC_BAD_BEAM/);
  assert.throws(() => ctcBeamDecode(s, { blank: 2 }), /CTC_BAD_BLANK/);
  assert.throws(() => ctcGreedyDecode({ ...s, frames: 2 }), /CTC_BAD_SHAPE/);
});
