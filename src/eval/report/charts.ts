/**
 * Report figures as vega-lite specs rendered to SVG in Node (vega's headless 'none' renderer),
 * so the report needs no script or network to display. Each SVG gets a stable `id` and an
 * `aria-label` (tests and screen readers find the figures by them).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ReliabilityBin } from '../calibration.js';

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const CONFIG = { font: FONT, view: { stroke: '#ddd' }, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11 } };

/** Escapes text for an XML/HTML attribute or text node. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * Renders a vega-lite spec to an SVG string with the given id and accessible label.
 * @param spec vega-lite spec (data inline)
 */
export async function renderSvg(spec: Record<string, unknown>, id: string, label: string): Promise<string> {
  const full = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', config: CONFIG, background: 'white', ...spec } as unknown as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(full).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return svg.replace(/^<svg /, `<svg id="${escapeXml(id)}" aria-label="${escapeXml(label)}" role="img" `).replace(/ aria-roledescription="[^"]*"/, '');
  } finally {
    view.finalize();
  }
}

/** Training loss per step (one line per experiment). */
export function lossCurveSpec(rows: ReadonlyArray<{ exp: string; step: number; loss: number }>): Record<string, unknown> {
  return {
    width: 520,
    height: 240,
    title: 'Training loss',
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 1.5, interpolate: 'monotone' },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { zero: false } },
      color: { field: 'exp', type: 'nominal', title: 'experiment' },
    },
  };
}

/** Dev metrics per epoch, one panel per metric, independent y scales. */
export function devCurveSpec(rows: ReadonlyArray<{ exp: string; epoch: number; metric: string; value: number }>): Record<string, unknown> {
  return {
    title: 'Validation metrics per epoch',
    data: { values: rows },
    facet: { field: 'metric', type: 'nominal', title: null },
    columns: 3,
    spec: {
      width: 220,
      height: 160,
      mark: { type: 'line', point: true, strokeWidth: 1.5 },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
        color: { field: 'exp', type: 'nominal', title: 'experiment' },
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** Row-normalised confusion heatmap; counts printed when there are few classes. */
export function confusionSpec(labels: readonly string[], confusion: readonly (readonly number[])[], title: string): Record<string, unknown> {
  const rows: Array<{ ref: string; hyp: string; count: number; rate: number }> = [];
  confusion.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, j) => rows.push({ ref: labels[i]!, hyp: labels[j]!, count, rate: total === 0 ? 0 : count / total }));
  });
  const cell = Math.max(12, Math.min(36, Math.floor(520 / Math.max(1, labels.length))));
  const layers: unknown[] = [
    {
      mark: 'rect',
      encoding: {
        color: { field: 'rate', type: 'quantitative', title: 'row share', scale: { scheme: 'blues', domain: [0, 1] } },
      },
    },
  ];
  if (labels.length <= 20) {
    layers.push({
      mark: { type: 'text', fontSize: 10 },
      encoding: {
        text: { field: 'count', type: 'quantitative' },
        color: { condition: { test: 'datum.rate > 0.5', value: 'white' }, value: 'black' },
      },
    });
  }
  return {
    title,
    width: cell * labels.length,
    height: cell * labels.length,
    data: { values: rows },
    encoding: {
      x: { field: 'hyp', type: 'ordinal', sort: [...labels], title: 'predicted' },
      y: { field: 'ref', type: 'ordinal', sort: [...labels], title: 'reference' },
    },
    layer: layers,
  };
}

/** Reliability diagram: accuracy against mean confidence per bin, one line per series, with the diagonal. */
export function reliabilitySpec(series: ReadonlyArray<{ name: string; bins: readonly ReliabilityBin[] }>, title: string): Record<string, unknown> {
  const rows = series.flatMap((s) =>
    s.bins.filter((b) => b.count > 0 && b.confidence !== null && !Number.isNaN(b.confidence)).map((b) => ({ series: s.name, confidence: b.confidence, accuracy: b.accuracy, count: b.count })),
  );
  return {
    title,
    width: 300,
    height: 300,
    layer: [
      {
        data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] },
        mark: { type: 'line', strokeDash: [4, 4], color: '#888' },
        encoding: { x: { field: 'x', type: 'quantitative', scale: { domain: [0, 1] }, title: 'confidence' }, y: { field: 'y', type: 'quantitative', scale: { domain: [0, 1] }, title: 'accuracy' } },
      },
      {
        data: { values: rows },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'confidence', type: 'quantitative' },
          y: { field: 'accuracy', type: 'quantitative' },
          color: { field: 'series', type: 'nominal', title: null },
          size: { value: 2 },
        },
      },
    ],
  };
}

/** Side-by-side bars of a few metrics across experiments, one panel per metric. */
export function comparisonSpec(rows: ReadonlyArray<{ exp: string; metric: string; value: number }>): Record<string, unknown> {
  return {
    title: 'Experiments compared',
    data: { values: rows },
    facet: { field: 'metric', type: 'nominal', title: null },
    columns: 4,
    spec: {
      width: 160,
      height: 150,
      mark: 'bar',
      encoding: {
        x: { field: 'exp', type: 'nominal', title: null, axis: { labelAngle: -30 } },
        y: { field: 'value', type: 'quantitative', title: null },
        color: { field: 'exp', type: 'nominal', legend: null },
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** Reference vs detected events under a spectrogram image (data URI), sharing the time axis. */
export function timelineSpec(
  entry: { file: string; duration: number; reference: ReadonlyArray<{ onset: number; offset: number; label: string }>; detected: ReadonlyArray<{ onset: number; offset: number; label: string }> },
  image?: { uri: string; maxHz: number },
): Record<string, unknown> {
  const width = 640;
  const rows = [
    ...entry.reference.map((e) => ({ lane: `reference · ${e.label}`, source: 'reference', label: e.label, onset: e.onset, offset: e.offset })),
    ...entry.detected.map((e) => ({ lane: `detected · ${e.label}`, source: 'detected', label: e.label, onset: e.onset, offset: e.offset })),
  ];
  const x = { field: 'onset', type: 'quantitative', title: 'time (s)', scale: { domain: [0, entry.duration] } };
  const lanes = {
    width,
    height: Math.max(40, 18 * new Set(rows.map((r) => r.lane)).size),
    data: { values: rows },
    mark: { type: 'rect', cornerRadius: 2 },
    encoding: {
      x,
      x2: { field: 'offset' },
      y: { field: 'lane', type: 'nominal', title: null, sort: { field: 'source', order: 'descending' } },
      color: { field: 'source', type: 'nominal', scale: { domain: ['reference', 'detected'], range: ['#2b8a3e', '#d9480f'] }, title: null },
    },
  };
  const parts: unknown[] = [];
  if (image !== undefined) {
    parts.push({
      width,
      height: 140,
      data: { values: [{ t0: 0, t1: entry.duration, f0: 0, f1: image.maxHz / 1000, url: image.uri }] },
      mark: { type: 'image', aspect: false, aria: false },
      encoding: {
        x: { field: 't0', type: 'quantitative', title: null, scale: { domain: [0, entry.duration] } },
        x2: { field: 't1' },
        y: { field: 'f0', type: 'quantitative', title: 'kHz', scale: { domain: [0, image.maxHz / 1000] } },
        y2: { field: 'f1' },
        url: { field: 'url', type: 'nominal' },
      },
    });
  }
  parts.push(lanes);
  return { title: entry.file, vconcat: parts, resolve: { scale: { x: 'shared' } } };
}
