/**
 * Segment-based sound event metrics, equal to sed_eval 0.2.1's SegmentBasedMetrics.
 *
 * Per file, each event list becomes an activity roll of `ceil(maxOffset / res)` segments; an event
 * marks segments `floor(onset / res)` .. `ceil(offset / res) - 1` of its class. Both rolls are
 * padded or cut to `ceil(L / res)` segments, L = the evaluated length (default: the larger maximum
 * offset of the two lists). Counts are accumulated over segments and files; metrics are computed
 * from the totals (micro average) and per class.
 */
import type { EventItem } from './event-list.js';
import {
  accuracyFromCounts,
  classWiseAverage,
  fMeasureFromCounts,
  sedRate,
  type EmptyOutputHandling,
  type SedClassResult,
  type SedResults,
} from './results.js';

export interface SegmentBasedOptions {
  /** Segment length in seconds, default 1.0. */
  timeResolution?: number;
  emptySystemOutput?: EmptyOutputHandling;
}

interface ClassCounts {
  Ntp: number;
  Ntn: number;
  Nfp: number;
  Nfn: number;
  Nref: number;
  Nsys: number;
}

const zero = (): ClassCounts => ({ Ntp: 0, Ntn: 0, Nfp: 0, Nfn: 0, Nref: 0, Nsys: 0 });

/** Largest offset of a list, 0 when empty. */
export function maxOffset(events: readonly EventItem[]): number {
  let m = 0;
  for (const e of events) if (e.offset > m) m = e.offset;
  return m;
}

/**
 * Activity roll `[segments, classes]` (row-major 0/1) of one file's events.
 * Events whose label is not in `labels` are ignored.
 */
export function eventRoll(events: readonly EventItem[], labels: readonly string[], resolution: number, length?: number): Uint8Array {
  const own = Math.ceil(maxOffset(events) / resolution);
  const n = length ?? own;
  const k = labels.length;
  const roll = new Uint8Array(n * k);
  const index = new Map(labels.map((l, i) => [l, i] as const));
  for (const e of events) {
    const c = index.get(e.label);
    if (c === undefined) continue;
    const start = Math.floor(e.onset / resolution);
    // The roll is first built at its own length and then cut, as sed_eval does.
    const end = Math.min(Math.ceil(e.offset / resolution), own, n);
    for (let s = start; s < end; s++) roll[s * k + c] = 1;
  }
  return roll;
}

/** Accumulates segment-based counts file by file, like sed_eval's SegmentBasedMetrics. */
export class SegmentBasedMetrics {
  readonly labels: readonly string[];
  readonly timeResolution: number;
  readonly emptySystemOutput: EmptyOutputHandling;
  evaluatedLength = 0;
  evaluatedFiles = 0;
  private overall = { ...zero(), S: 0, D: 0, I: 0 };
  private classWise: ClassCounts[];

  constructor(labels: readonly string[], options: SegmentBasedOptions = {}) {
    this.labels = [...labels];
    this.timeResolution = options.timeResolution ?? 1.0;
    this.emptySystemOutput = options.emptySystemOutput ?? 'nan';
    this.classWise = this.labels.map(zero);
  }

  /**
   * Adds one file.
   * @param evaluatedLength seconds; default max(maximum offset of reference, of estimate)
   */
  evaluate(reference: readonly EventItem[], estimated: readonly EventItem[], evaluatedLength?: number): this {
    const res = this.timeResolution;
    const length = evaluatedLength ?? Math.max(maxOffset(reference), maxOffset(estimated));
    const segments = Math.ceil(length / res);
    this.evaluatedLength += length;
    this.evaluatedFiles += 1;
    const k = this.labels.length;
    const ref = eventRoll(reference, this.labels, res, segments);
    const sys = eventRoll(estimated, this.labels, res, segments);
    const o = this.overall;
    for (let s = 0; s < segments; s++) {
      let nref = 0;
      let nsys = 0;
      let ntp = 0;
      for (let c = 0; c < k; c++) {
        const r = ref[s * k + c]!;
        const y = sys[s * k + c]!;
        const cw = this.classWise[c]!;
        nref += r;
        nsys += y;
        if (r === 1 && y === 1) {
          ntp += 1;
          cw.Ntp += 1;
        } else if (r === 0 && y === 0) {
          o.Ntn += 1;
          cw.Ntn += 1;
        } else if (y === 1) {
          o.Nfp += 1;
          cw.Nfp += 1;
        } else {
          o.Nfn += 1;
          cw.Nfn += 1;
        }
        cw.Nref += r;
        cw.Nsys += y;
      }
      o.Ntp += ntp;
      o.Nref += nref;
      o.Nsys += nsys;
      o.S += Math.min(nref, nsys) - ntp;
      o.D += Math.max(0, nref - nsys);
      o.I += Math.max(0, nsys - nref);
    }
    return this;
  }

  /** All metrics from the accumulated counts. */
  results(): SedResults {
    const o = this.overall;
    const substitutionRate = sedRate(o.S, o.Nref);
    const deletionRate = sedRate(o.D, o.Nref);
    const insertionRate = sedRate(o.I, o.Nref);
    const classWise: SedClassResult[] = this.labels.map((label, c) => {
      const cw = this.classWise[c]!;
      const d = sedRate(cw.Nfn, cw.Nref);
      const i = sedRate(cw.Nfp, cw.Nref);
      return {
        label,
        counts: { ...cw },
        fMeasure: fMeasureFromCounts(cw.Ntp, cw.Nsys, cw.Nref, this.emptySystemOutput),
        errorRate: { errorRate: d + i, deletionRate: d, insertionRate: i },
        accuracy: accuracyFromCounts(cw.Ntp, cw.Ntn, cw.Nfp, cw.Nfn),
      };
    });
    return {
      kind: 'segment-based',
      parameters: { timeResolution: this.timeResolution, emptySystemOutput: this.emptySystemOutput },
      evaluatedFiles: this.evaluatedFiles,
      evaluatedLength: this.evaluatedLength,
      overall: {
        fMeasure: fMeasureFromCounts(o.Ntp, o.Nsys, o.Nref, this.emptySystemOutput),
        errorRate: { errorRate: substitutionRate + deletionRate + insertionRate, substitutionRate, deletionRate, insertionRate },
        accuracy: accuracyFromCounts(o.Ntp, o.Ntn, o.Nfp, o.Nfn),
        counts: { ...o },
      },
      classWise,
      classWiseAverage: classWiseAverage(classWise),
    };
  }
}
