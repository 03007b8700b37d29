/**
 * Levenshtein alignment of a reference and a hypothesis token sequence with NIST sclite's costs
 * and tie-breaking, so that the substitution / deletion / insertion split (not only the total)
 * equals sclite's.
 *
 * sclite (SCTK `net_dp.c`, word-weight function with default weights) charges 0 for a correct
 * pair, 4 for a substitution and 3 for an insertion or a deletion. At each cell it keeps the
 * diagonal move when it is no worse than both others, else the deletion when strictly cheaper
 * than the insertion, else the insertion; the trace-back starts at the last cell. A substitution
 * (4) is cheaper than a deletion plus an insertion (6), so sclite never splits a substitution,
 * but equal-cost alignments with different splits do exist (e.g. `S S S` versus `D D C I I`
 * around a shifted word), which is why the exact preference order matters.
 */

/** One step of an alignment. `ref`/`hyp` are indices into the input sequences (-1 when absent). */
export interface AlignmentStep {
  op: 'C' | 'S' | 'D' | 'I';
  ref: number;
  hyp: number;
}

/** Error counts of one alignment or a sum of them. */
export interface EditCounts {
  /** Correct tokens. */
  corr: number;
  /** Substitutions. */
  sub: number;
  /** Deletions (reference tokens missing from the hypothesis). */
  del: number;
  /** Insertions (hypothesis tokens with no reference counterpart). */
  ins: number;
  /** Reference length: corr + sub + del. */
  refLength: number;
  /** Hypothesis length: corr + sub + ins. */
  hypLength: number;
}

/** Cost weights of the dynamic programme. Defaults are sclite's. */
export interface EditCosts {
  /** Cost of a substitution; default 4. */
  sub: number;
  /** Cost of an insertion; default 3. */
  ins: number;
  /** Cost of a deletion; default 3. */
  del: number;
}

/** sclite's default weights (SCTK word-weight alignment). */
export const SCLITE_COSTS: Readonly<EditCosts> = Object.freeze({ sub: 4, ins: 3, del: 3 });

const BACK_SUB = 0;
const BACK_DEL = 1;
const BACK_INS = 2;

/**
 * Aligns `hyp` to `ref` with sclite's costs and tie-breaking.
 * Tokens compare with `===` after `key` (identity by default; pass a case fold for word mode).
 * @returns the alignment steps in order, from the first reference/hypothesis token to the last
 */
export function alignSequences<T>(
  ref: readonly T[],
  hyp: readonly T[],
  costs: Readonly<EditCosts> = SCLITE_COSTS,
): AlignmentStep[] {
  const n = ref.length;
  const m = hyp.length;
  const width = m + 1;
  // Costs are small integers, so Float64 sums are exact; Int32 would do as well.
  const cost = new Float64Array((n + 1) * width);
  const back = new Uint8Array((n + 1) * width);
  for (let j = 1; j <= m; j++) {
    cost[j] = j * costs.ins;
    back[j] = BACK_INS;
  }
  for (let i = 1; i <= n; i++) {
    const row = i * width;
    const prev = row - width;
    cost[row] = i * costs.del;
    back[row] = BACK_DEL;
    const r = ref[i - 1];
    for (let j = 1; j <= m; j++) {
      const sub = (cost[prev + j - 1] as number) + (r === hyp[j - 1] ? 0 : costs.sub);
      const del = (cost[prev + j] as number) + costs.del;
      const ins = (cost[row + j - 1] as number) + costs.ins;
      if (sub <= del && sub <= ins) {
        cost[row + j] = sub;
        back[row + j] = BACK_SUB;
      } else if (del < ins) {
        cost[row + j] = del;
        back[row + j] = BACK_DEL;
      } else {
        cost[row + j] = ins;
        back[row + j] = BACK_INS;
      }
    }
  }
  const steps: AlignmentStep[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const b = back[i * width + j];
    if (b === BACK_SUB) {
      steps.push({ op: ref[i - 1] === hyp[j - 1] ? 'C' : 'S', ref: i - 1, hyp: j - 1 });
      i--;
      j--;
    } else if (b === BACK_DEL) {
      steps.push({ op: 'D', ref: i - 1, hyp: -1 });
      i--;
    } else {
      steps.push({ op: 'I', ref: -1, hyp: j - 1 });
      j--;
    }
  }
  return steps.reverse();
}

/** Counts of an alignment. */
export function countEdits(steps: readonly AlignmentStep[]): EditCounts {
  const c = emptyCounts();
  for (const s of steps) {
    if (s.op === 'C') c.corr++;
    else if (s.op === 'S') c.sub++;
    else if (s.op === 'D') c.del++;
    else c.ins++;
  }
  c.refLength = c.corr + c.sub + c.del;
  c.hypLength = c.corr + c.sub + c.ins;
  return c;
}

/** All-zero counts. */
export function emptyCounts(): EditCounts {
  return { corr: 0, sub: 0, del: 0, ins: 0, refLength: 0, hypLength: 0 };
}

/** Adds `b` into `a` (mutates and returns `a`). */
export function addCounts(a: EditCounts, b: Readonly<EditCounts>): EditCounts {
  a.corr += b.corr;
  a.sub += b.sub;
  a.del += b.del;
  a.ins += b.ins;
  a.refLength += b.refLength;
  a.hypLength += b.hypLength;
  return a;
}

/**
 * Error rate (sub + del + ins) / refLength as a fraction (not percent). With an empty reference
 * the rate is 0 when there are no errors and Infinity otherwise (there is no meaningful ratio).
 */
export function errorRate(c: Readonly<EditCounts>): number {
  const errors = c.sub + c.del + c.ins;
  if (c.refLength === 0) return errors === 0 ? 0 : Infinity;
  return errors / c.refLength;
}
