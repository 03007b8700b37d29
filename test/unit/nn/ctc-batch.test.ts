import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ctcForwardBackward } from '../../../src/nn/ctc/core.js';

/** Random batch: logits [B,T,C], labels (repeats likely), lengths (some too short for their labels). */
const batchArb = fc
  .record({
    B: fc.integer({ min: 1, max: 5 }),
    T: fc.integer({ min: 1, max: 12 }),
    C: fc.integer({ min: 2, max: 5 }),
    blank: fc.nat(),
    seed: fc.integer(),
  })
  .map(({ B, T, C, blank, seed }) => {
    let x = seed >>> 0;
    const rnd = (): number => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const bl = blank % C;
    const logits = Float64Array.from({ length: B * T * C }, () => (rnd() - 0.5) * 8);
    const labels = Array.from({ length: B }, () =>
      Array.from({ length: Math.floor(rnd() * 7) }, () => {
        const k = Math.floor(rnd() * (C - 1));
        return k >= bl ? k + 1 : k;
      }),
    );
    const inputLengths = Array.from({ length: B }, () => Math.floor(rnd() * (T + 1)));
    return { B, T, C, blank: bl, logits, labels, inputLengths };
  });

test('batched CTC equals per-utterance CTC (loss and gradient, any blank, both layouts)', () => {
  fc.assert(
    fc.property(batchArb, ({ B, T, C, blank, logits, labels, inputLengths }) => {
      const weights = Array.from({ length: B }, (_, b) => 0.5 + b);
      const all = ctcForwardBackward({ logits, batch: B, frames: T, classes: C, layout: 'BTC', labels, inputLengths, blank }, { gradWeights: weights, zeroInfinity: true });
      const tbc = new Float64Array(B * T * C);
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let k = 0; k < C; k++) tbc[(t * B + b) * C + k] = logits[(b * T + t) * C + k]!;
      const allT = ctcForwardBackward({ logits: tbc, batch: B, frames: T, classes: C, layout: 'TBC', labels, inputLengths, blank }, { gradWeights: weights, zeroInfinity: true });
      for (let b = 0; b < B; b++) {
        const one = ctcForwardBackward(
          { logits: logits.slice(b * T * C, (b + 1) * T * C), batch: 1, frames: T, classes: C, layout: 'BTC', labels: [labels[b]!], inputLengths: [inputLengths[b]!], blank },
          { gradWeights: [weights[b]!], zeroInfinity: true },
        );
        assert.equal(all.nll[b], one.nll[0]);
        assert.equal(allT.nll[b], one.nll[0]);
        for (let i = 0; i < T * C; i++) {
          const t = Math.floor(i / C);
          const k = i % C;
          assert.equal(all.grad![b * T * C + i], one.grad![i]);
          assert.equal(allT.grad![(t * B + b) * C + k], one.grad![i]);
        }
        // Frames past the length have zero gradient; a valid frame's gradient sums to 0 over classes.
        for (let t = 0; t < T; t++) {
          let sum = 0;
          for (let k = 0; k < C; k++) sum += one.grad![t * C + k]!;
          if (t >= inputLengths[b]!) for (let k = 0; k < C; k++) assert.equal(one.grad![t * C + k], 0);
          assert.ok(Math.abs(sum) < 1e-5, `gradient row sum ${sum}`);
        }
      }
    }),
    { numRuns: 200, seed: 21 },
  );
});

test('loss is -log of the brute-force sum over all alignments', () => {
  fc.assert(
    fc.property(batchArb, ({ T, C, blank, logits, labels }) => {
      const Tb = Math.min(T, 6);
      const lab = labels[0]!;
      const lp: number[][] = [];
      for (let t = 0; t < Tb; t++) {
        const row = Array.from({ length: C }, (_, k) => logits[t * C + k]!);
        const m = Math.max(...row);
        const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
        lp.push(row.map((v) => v - lse));
      }
      // Enumerate every frame labelling, keep those that collapse to `lab`.
      let total = 0;
      const path = new Array<number>(Tb).fill(0);
      const visit = (t: number): void => {
        if (t === Tb) {
          const out: number[] = [];
          for (let i = 0; i < Tb; i++) if (path[i] !== blank && (i === 0 || path[i] !== path[i - 1])) out.push(path[i]!);
          if (out.length === lab.length && out.every((v, i) => v === lab[i])) total += Math.exp(path.reduce((s, k, i) => s + lp[i]![k]!, 0));
          return;
        }
        for (let k = 0; k < C; k++) {
          path[t] = k;
          visit(t + 1);
        }
      };
      visit(0);
      const r = ctcForwardBackward({ logits: logits.slice(0, T * C), batch: 1, frames: T, classes: C, layout: 'BTC', labels: [lab], inputLengths: [Tb], blank });
      if (total === 0) assert.equal(r.nll[0], Infinity);
      else assert.ok(Math.abs(r.nll[0]! + Math.log(total)) < 1e-9 * Math.max(1, Math.abs(Math.log(total))), `${r.nll[0]} vs ${-Math.log(total)}`);
    }),
    { numRuns: 150, seed: 8 },
  );
});
