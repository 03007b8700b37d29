/**
 * The headline numbers of a metrics.json (schema `hibiki-metrics/1`, docs/evaluation.md), flat,
 * for tables in RESULTS.md, the compare stage and the smoke tests. Undefined values are null.
 */

/** Flat headline metrics: name -> value (null when undefined, e.g. no events scored). */
export type MetricSummary = Record<string, number | null>;

type Json = Record<string, unknown>;

function at(o: unknown, ...path: string[]): number | null {
  let v: unknown = o;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return null;
    v = (v as Json)[k];
  }
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * Headline metrics of a metrics.json record:
 * - frame: `fer`, `nll`, `ece`, `brier`;
 * - multilabel: `frameF1` (micro), `frameEce` (mean over classes), `segmentF1`, `segmentER`,
 *   `eventF1`, `eventER` (sed_eval overall, micro);
 * - ctc: `ter` (token error rate), `nllPerToken`.
 */
export function summarizeMetrics(record: unknown): MetricSummary {
  const task = (record as Json | null)?.['task'];
  if (task === 'ctc') return { ter: at(record, 'tokens', 'errorRate'), nllPerToken: at(record, 'ctc', 'nllPerToken') };
  const out: MetricSummary = {};
  if ((record as Json)['frame'] !== undefined) {
    out['fer'] = at(record, 'frame', 'fer');
    out['nll'] = at(record, 'frame', 'nll');
    out['ece'] = at(record, 'frame', 'ece');
    out['brier'] = at(record, 'frame', 'brier');
  }
  if ((record as Json)['multilabel'] !== undefined) {
    out['frameF1'] = at(record, 'multilabel', 'micro', 'f1');
    out['frameEce'] = at(record, 'multilabel', 'meanEce');
  }
  if ((record as Json)['events'] !== undefined) {
    out['segmentF1'] = at(record, 'events', 'segmentBased', 'overall', 'fMeasure', 'fMeasure');
    out['segmentER'] = at(record, 'events', 'segmentBased', 'overall', 'errorRate', 'errorRate');
    out['eventF1'] = at(record, 'events', 'eventBased', 'overall', 'fMeasure', 'fMeasure');
    out['eventER'] = at(record, 'events', 'eventBased', 'overall', 'errorRate', 'errorRate');
  }
  return out;
}

/** Fixed-point text of a metric, `-` for null. */
export function fmtMetric(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined ? '-' : v.toFixed(digits);
}

/** A GitHub-flavoured markdown table. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n') + '\n';
}
