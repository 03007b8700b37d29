/**
 * Event-based sound event metrics, equal to sed_eval 0.2.1's EventBasedMetrics.
 *
 * An estimated event matches a reference event of the same label when its onset is within
 * `tCollar` of the reference onset and (if offsets are evaluated) its offset is within
 * `max(tCollar, percentageOfLength * reference length)` of the reference offset: the offset may
 * satisfy either tolerance (sed_eval issue 19). Each event matches at most once: 'optimal' uses a
 * maximum bipartite matching, 'greedy' takes the first free match in list order. Unmatched pairs
 * with matching times but different labels are substitutions (overall only); what is left are
 * deletions and insertions. Counts are summed over files and metrics computed from the totals.
 */
import { HibikiError } from '../../errors.js';
import type { EventItem } from './event-list.js';
import { maxOffset } from './segment-based.js';
import { bipartiteMatch } from './matching.js';
import { classWiseAverage, fMeasureFromCounts, sedRate, type EmptyOutputHandling, type SedClassResult, type SedResults } from './results.js';

export interface EventBasedOptions {
  /** Onset (and offset) collar, seconds; default 0.2. */
  tCollar?: number;
  /** Offset tolerance as a fraction of the reference length; default 0.5. */
  percentageOfLength?: number;
  /** Default true. */
  evaluateOnset?: boolean;
  /** Default true. */
  evaluateOffset?: boolean;
  /** Default 'optimal'. */
  matching?: 'optimal' | 'greedy';
  emptySystemOutput?: EmptyOutputHandling;
}

interface Counts {
  Nref: number;
  Nsys: number;
  Ntp: number;
  Nfp: number;
  Nfn: number;
}

const zero = (): Counts => ({ Nref: 0, Nsys: 0, Ntp: 0, Nfp: 0, Nfn: 0 });

/** |ref.onset - est.onset| <= tCollar. */
export function validateOnset(ref: EventItem, est: EventItem, tCollar: number): boolean {
  return Math.abs(ref.onset - est.onset) <= tCollar;
}

/** |ref.offset - est.offset| <= max(tCollar, percentageOfLength * (ref.offset - ref.onset)). */
export function validateOffset(ref: EventItem, est: EventItem, tCollar: number, percentageOfLength: number): boolean {
  return Math.abs(ref.offset - est.offset) <= Math.max(tCollar, percentageOfLength * (ref.offset - ref.onset));
}

/** Accumulates event-based counts file by file, like sed_eval's EventBasedMetrics. */
export class EventBasedMetrics {
  readonly labels: readonly string[];
  readonly tCollar: number;
  readonly percentageOfLength: number;
  readonly evaluateOnset: boolean;
  readonly evaluateOffset: boolean;
  readonly matching: 'optimal' | 'greedy';
  readonly emptySystemOutput: EmptyOutputHandling;
  evaluatedLength = 0;
  evaluatedFiles = 0;
  private overall = { ...zero(), Nsubs: 0 };
  private classWise: Counts[];

  constructor(labels: readonly string[], options: EventBasedOptions = {}) {
    this.labels = [...labels];
    this.tCollar = options.tCollar ?? 0.2;
    this.percentageOfLength = options.percentageOfLength ?? 0.5;
    this.evaluateOnset = options.evaluateOnset ?? true;
    this.evaluateOffset = options.evaluateOffset ?? true;
    this.matching = options.matching ?? 'optimal';
    this.emptySystemOutput = options.emptySystemOutput ?? 'nan';
    if (!this.evaluateOnset && !this.evaluateOffset) {
      throw new HibikiError('SED_OPTIONS', 'onset and offset evaluation cannot both be off', { expected: 'evaluateOnset or evaluateOffset', found: 'neither' });
    }
    if (!(this.tCollar > 0)) throw new HibikiError('SED_OPTIONS', 't_collar must be > 0', { expected: '> 0', found: String(this.tCollar) });
    if (!(this.percentageOfLength >= 0 && this.percentageOfLength <= 1)) {
      throw new HibikiError('SED_OPTIONS', 'percentage_of_length must be in [0, 1]', { expected: '[0, 1]', found: String(this.percentageOfLength) });
    }
    this.classWise = this.labels.map(zero);
  }

  /** Onset and offset conditions (labels not compared). */
  private timesMatch(ref: EventItem, est: EventItem): boolean {
    if (this.evaluateOnset && !validateOnset(ref, est, this.tCollar)) return false;
    if (this.evaluateOffset && !validateOffset(ref, est, this.tCollar, this.percentageOfLength)) return false;
    return true;
  }

  /** Maximum matching between `ref` and `est` under `hit(j, i)`; returns matched flags. */
  private optimalMatch(ref: readonly EventItem[], est: readonly EventItem[], hit: (j: number, i: number) => boolean): { refOk: boolean[]; sysOk: boolean[]; ntp: number } {
    // Graph keyed by estimated event, neighbours = reference events, in row-major hit order as sed_eval builds it.
    const graph = new Map<number, number[]>();
    for (let j = 0; j < ref.length; j++) {
      for (let i = 0; i < est.length; i++) {
        if (!hit(j, i)) continue;
        const list = graph.get(i);
        if (list === undefined) graph.set(i, [j]);
        else list.push(j);
      }
    }
    const m = bipartiteMatch(graph);
    const refOk = new Array<boolean>(ref.length).fill(false);
    const sysOk = new Array<boolean>(est.length).fill(false);
    for (const [j, i] of m) {
      refOk[j] = true;
      sysOk[i] = true;
    }
    return { refOk, sysOk, ntp: m.size };
  }

  /** Adds one file's reference and estimated events. */
  evaluate(reference: readonly EventItem[], estimated: readonly EventItem[]): this {
    this.evaluatedLength += Math.max(maxOffset(reference), maxOffset(estimated));
    this.evaluatedFiles += 1;
    const nref = reference.length;
    const nsys = estimated.length;
    let refOk: boolean[];
    let sysOk: boolean[];
    let ntp: number;
    if (this.matching === 'optimal') {
      ({ refOk, sysOk, ntp } = this.optimalMatch(reference, estimated, (j, i) => reference[j]!.label === estimated[i]!.label && this.timesMatch(reference[j]!, estimated[i]!)));
    } else {
      refOk = new Array<boolean>(nref).fill(false);
      sysOk = new Array<boolean>(nsys).fill(false);
      for (let j = 0; j < nref; j++) {
        for (let i = 0; i < nsys; i++) {
          if (sysOk[i]) continue;
          if (reference[j]!.label === estimated[i]!.label && this.timesMatch(reference[j]!, estimated[i]!)) {
            refOk[j] = true;
            sysOk[i] = true;
            break;
          }
        }
      }
      ntp = sysOk.filter(Boolean).length;
    }
    // Substitutions: leftover pairs whose times match, each estimated event used once.
    let nsubs = 0;
    const counted = new Array<boolean>(nsys).fill(false);
    for (let j = 0; j < nref; j++) {
      if (refOk[j]) continue;
      for (let i = 0; i < nsys; i++) {
        if (sysOk[i] || counted[i]) continue;
        if (this.timesMatch(reference[j]!, estimated[i]!)) {
          counted[i] = true;
          nsubs += 1;
          break;
        }
      }
    }
    const o = this.overall;
    o.Nref += nref;
    o.Nsys += nsys;
    o.Ntp += ntp;
    o.Nsubs += nsubs;
    o.Nfp += nsys - ntp - nsubs;
    o.Nfn += nref - ntp - nsubs;

    this.labels.forEach((label, c) => {
      const cref = reference.filter((e) => e.label === label);
      const cest = estimated.filter((e) => e.label === label);
      let ctp = 0;
      if (this.matching === 'optimal') {
        ctp = this.optimalMatch(cref, cest, (j, i) => this.timesMatch(cref[j]!, cest[i]!)).ntp;
      } else {
        const used = new Array<boolean>(cest.length).fill(false);
        for (const r of cref) {
          for (let i = 0; i < cest.length; i++) {
            if (!used[i] && this.timesMatch(r, cest[i]!)) {
              used[i] = true;
              ctp += 1;
              break;
            }
          }
        }
      }
      const cw = this.classWise[c]!;
      cw.Nref += cref.length;
      cw.Nsys += cest.length;
      cw.Ntp += ctp;
      cw.Nfp += cest.length - ctp;
      cw.Nfn += cref.length - ctp;
    });
    return this;
  }

  /** All metrics from the accumulated counts. */
  results(): SedResults {
    const o = this.overall;
    const substitutionRate = sedRate(o.Nsubs, o.Nref);
    const deletionRate = sedRate(o.Nfn, o.Nref);
    const insertionRate = sedRate(o.Nfp, o.Nref);
    const classWise: SedClassResult[] = this.labels.map((label, c) => {
      const cw = this.classWise[c]!;
      const d = sedRate(cw.Nfn, cw.Nref);
      const i = sedRate(cw.Nfp, cw.Nref);
      return {
        label,
        counts: { ...cw },
        fMeasure: fMeasureFromCounts(cw.Ntp, cw.Nsys, cw.Nref, this.emptySystemOutput),
        errorRate: { errorRate: d + i, deletionRate: d, insertionRate: i },
      };
    });
    return {
      kind: 'event-based',
      parameters: {
        tCollar: this.tCollar,
        percentageOfLength: this.percentageOfLength,
        evaluateOnset: this.evaluateOnset,
        evaluateOffset: this.evaluateOffset,
        matching: this.matching,
        emptySystemOutput: this.emptySystemOutput,
      },
      evaluatedFiles: this.evaluatedFiles,
      evaluatedLength: this.evaluatedLength,
      overall: {
        fMeasure: fMeasureFromCounts(o.Ntp, o.Nsys, o.Nref, this.emptySystemOutput),
        errorRate: { errorRate: substitutionRate + deletionRate + insertionRate, substitutionRate, deletionRate, insertionRate },
        counts: { Nref: o.Nref, Nsys: o.Nsys, Ntp: o.Ntp, Nfp: o.Nfp, Nfn: o.Nfn, S: o.Nsubs },
      },
      classWise,
      classWiseAverage: classWiseAverage(classWise),
    };
  }
}
