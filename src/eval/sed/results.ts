/**
 * sed_eval's metric formulas (sed_eval 0.2.1, metric.py), kept bit-for-bit where it matters:
 * precision and recall are NaN when their denominator is 0; rates divide by `N + eps` with
 * eps = 2^-52 (numpy.spacing(1)); class-wise averages are nan-means over classes.
 */

/** numpy.spacing(1) = 2^-52, the eps sed_eval adds to rate denominators. */
export const SED_EPS = Number.EPSILON;

/** Precision Ntp / Nsys; NaN when Nsys = 0. */
export function sedPrecision(ntp: number, nsys: number): number {
  return nsys === 0 ? NaN : ntp / nsys;
}

/** Recall Ntp / Nref; NaN when Nref = 0. */
export function sedRecall(ntp: number, nref: number): number {
  return nref === 0 ? NaN : ntp / nref;
}

/** F1 = 2PR / (P + R); 0 when P = R = 0 (NaN propagates otherwise). */
export function sedFMeasure(precision: number, recall: number): number {
  if (precision === 0 && recall === 0) return 0;
  return (2 * precision * recall) / (precision + recall);
}

/** count / (Nref + eps): substitution, deletion and insertion rates. */
export function sedRate(count: number, nref: number): number {
  return count / (nref + SED_EPS);
}

/** Ntp / (Ntp + Nfn + eps). */
export function sedSensitivity(ntp: number, nfn: number): number {
  return ntp / (ntp + nfn + SED_EPS);
}

/** Ntn / (Ntn + Nfp + eps). */
export function sedSpecificity(ntn: number, nfp: number): number {
  return ntn / (ntn + nfp + SED_EPS);
}

/** (Ntp + Ntn) / (Ntp + Ntn + Nfn + Nfp + eps). */
export function sedAccuracy(ntp: number, ntn: number, nfp: number, nfn: number): number {
  return (ntp + ntn) / (ntp + ntn + nfn + nfp + SED_EPS);
}

export interface FMeasure {
  fMeasure: number;
  precision: number;
  recall: number;
}

export interface ErrorRate {
  errorRate: number;
  /** Absent in class-wise results (no substitutions within one class). */
  substitutionRate?: number;
  deletionRate: number;
  insertionRate: number;
}

export interface Accuracy {
  sensitivity: number;
  specificity: number;
  balancedAccuracy: number;
  accuracy: number;
}

/** Intermediate counts accumulated over files. */
export interface SedCounts {
  Nref: number;
  Nsys: number;
  Ntp: number;
  Nfp: number;
  Nfn: number;
  /** Segment-based only. */
  Ntn?: number;
  /** Substitutions (overall only). */
  S?: number;
  /** Deletions counted by the error rate (overall only). */
  D?: number;
  /** Insertions counted by the error rate (overall only). */
  I?: number;
}

export interface SedClassResult {
  label: string;
  counts: SedCounts;
  fMeasure: FMeasure;
  errorRate: ErrorRate;
  /** Segment-based only. */
  accuracy?: Accuracy;
}

/** Everything one metric object reports, the shape of sed_eval's results() with camelCase names. */
export interface SedResults {
  kind: 'segment-based' | 'event-based';
  parameters: Record<string, number | string | boolean>;
  evaluatedFiles: number;
  /** Seconds. */
  evaluatedLength: number;
  overall: { fMeasure: FMeasure; errorRate: ErrorRate; accuracy?: Accuracy; counts: SedCounts };
  classWise: SedClassResult[];
  classWiseAverage: { fMeasure: FMeasure; errorRate: ErrorRate; accuracy?: Accuracy };
}

/** Mean of non-NaN values; NaN when none (numpy.nanmean). */
export function sedNanMean(values: readonly number[]): number {
  let s = 0;
  let n = 0;
  for (const v of values) {
    if (!Number.isNaN(v)) {
      s += v;
      n += 1;
    }
  }
  return n === 0 ? NaN : s / n;
}

/** How a class (or the whole system) with no output is scored: sed_eval's default NaN, or 'zero-score'. */
export type EmptyOutputHandling = 'nan' | 'zero-score';

/** F-measure block from counts, with sed_eval's empty-output handling. */
export function fMeasureFromCounts(ntp: number, nsys: number, nref: number, empty: EmptyOutputHandling): FMeasure {
  const precision = nsys === 0 && empty === 'zero-score' ? 0 : sedPrecision(ntp, nsys);
  const recall = sedRecall(ntp, nref);
  return { fMeasure: sedFMeasure(precision, recall), precision, recall };
}

/** Accuracy block from counts (factor 0.5 balanced accuracy). */
export function accuracyFromCounts(ntp: number, ntn: number, nfp: number, nfn: number): Accuracy {
  const sensitivity = sedSensitivity(ntp, nfn);
  const specificity = sedSpecificity(ntn, nfp);
  return {
    sensitivity,
    specificity,
    balancedAccuracy: 0.5 * sensitivity + 0.5 * specificity,
    accuracy: sedAccuracy(ntp, ntn, nfp, nfn),
  };
}

/** Class-wise average (macro) block: nan-mean of each class-wise value. */
export function classWiseAverage(classes: readonly SedClassResult[]): SedResults['classWiseAverage'] {
  const avg = (f: (c: SedClassResult) => number | undefined): number => sedNanMean(classes.map((c) => f(c) ?? NaN));
  const out: SedResults['classWiseAverage'] = {
    fMeasure: { fMeasure: avg((c) => c.fMeasure.fMeasure), precision: avg((c) => c.fMeasure.precision), recall: avg((c) => c.fMeasure.recall) },
    errorRate: { errorRate: avg((c) => c.errorRate.errorRate), deletionRate: avg((c) => c.errorRate.deletionRate), insertionRate: avg((c) => c.errorRate.insertionRate) },
  };
  if (classes.length > 0 && classes.every((c) => c.accuracy !== undefined)) {
    out.accuracy = {
      sensitivity: avg((c) => c.accuracy?.sensitivity),
      specificity: avg((c) => c.accuracy?.specificity),
      balancedAccuracy: avg((c) => c.accuracy?.balancedAccuracy),
      accuracy: avg((c) => c.accuracy?.accuracy),
    };
  }
  return out;
}
