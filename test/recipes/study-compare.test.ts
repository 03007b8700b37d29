/**
 * End to end: a real label-smoothing study of synth-events (2 loss settings x 2 seeds, tiny data,
 * 1 epoch) through the runner to the real compare stage. The expected numbers are recomputed here
 * from each run's own eval output (the raw per-set metrics record), not through compare's or
 * summary.ts's functions; report.html names each group by its labels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '../../src/index.js';
import { run, tempRoot } from './helpers.js';

const STUDY = 'label-smoothing';
const TINY = [
  'data.sets={train: {files: 12}, dev: {files: 2}, test: {files: 3}}',
  `studies.${STUDY}.set.model.hidden=[32]`, // the study trains the MLP tagger (its `set`)
  'train.epochs=1',
  `study=${STUDY}`,
  `studies.${STUDY}.axes={loss: {hard: {smoothing: none}, binary: {smoothing: binary, epsilon: 0.2}}, seed: [1, 2]}`,
];
const GROUPS = ['hard', 'binary'];
const tagOf = (loss: string, seed: number): string => `${STUDY}/loss-${loss}_seed-${seed}`;

type Json = Record<string, unknown>;
const at = (o: unknown, path: string): number => {
  const v = path.split('.').reduce<unknown>((x, k) => (x as Json)[k], o);
  assert.equal(typeof v, 'number', `${path} in ${JSON.stringify(o).slice(0, 200)}`);
  return v as number;
};

/** Where each headline metric sits in the raw metrics record (docs/evaluation.md). */
const RAW_PATHS: Record<string, string> = {
  frameF1: 'multilabel.micro.f1',
  frameEce: 'multilabel.meanEce',
  segmentF1: 'events.segmentBased.overall.fMeasure.fMeasure',
  segmentER: 'events.segmentBased.overall.errorRate.errorRate',
  eventF1: 'events.eventBased.overall.fMeasure.fMeasure',
  eventER: 'events.eventBased.overall.errorRate.errorRate',
};

/** One run's test-set metrics, read from its eval stage's raw record eval/test/metrics.json. */
function runMetrics(expRoot: string, tag: string): Record<string, number> {
  const evalDir = join(expRoot, 'synth-events', tag, 'eval');
  const raw = JSON.parse(readFileSync(join(evalDir, 'eval', 'test', 'metrics.json'), 'utf8')) as Json;
  assert.equal(raw['set'], 'test');
  const out = Object.fromEntries(Object.entries(RAW_PATHS).map(([name, path]) => [name, at(raw, path)]));
  // The stage's top-level summary agrees with the raw record.
  const top = JSON.parse(readFileSync(join(evalDir, 'metrics.json'), 'utf8')) as { sets: { test: Record<string, number> } };
  assert.deepEqual(top.sets.test, out);
  return out;
}

/** Mean and sample std of two values: the std of {a, b} is |a - b| / sqrt(2). */
function expected(expRoot: string): Map<string, { mean: Record<string, number>; std: Record<string, number>; first: Record<string, number> }> {
  const out = new Map<string, { mean: Record<string, number>; std: Record<string, number>; first: Record<string, number> }>();
  for (const g of GROUPS) {
    const a = runMetrics(expRoot, tagOf(g, 1));
    const b = runMetrics(expRoot, tagOf(g, 2));
    const mean = Object.fromEntries(Object.keys(RAW_PATHS).map((k) => [k, (a[k]! + b[k]!) / 2]));
    const std = Object.fromEntries(Object.keys(RAW_PATHS).map((k) => [k, Math.abs(a[k]! - b[k]!) / Math.SQRT2]));
    out.set(g, { mean, std, first: a });
  }
  return out;
}

const close = (x: number, y: number, what: string): void => assert.ok(Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(y)), `${what}: ${x} vs ${y}`);

interface Row {
  labels: Record<string, string>;
  runs: number;
  mean: Record<string, number | null>;
  std: Record<string, number | null>;
  tags: string[];
}

/** Checks comparison.json, comparison.md and report.html against the runs' own files. */
function checkCompare(summary: RunSummary, expRoot: string): Row[] {
  const dir = summary.stages.find((s) => s.name === 'compare')!.dir;
  const want = expected(expRoot);
  const cmp = JSON.parse(readFileSync(join(dir, 'comparison.json'), 'utf8')) as { axes: string[]; averagedOver: string[]; set: string; rows: Row[] };
  assert.deepEqual([cmp.axes, cmp.averagedOver, cmp.set], [['loss'], ['seed'], 'test']);
  assert.deepEqual(cmp.rows.map((r) => r.labels), GROUPS.map((g) => ({ loss: g })));
  for (const row of cmp.rows) {
    const g = row.labels['loss']!;
    assert.equal(row.runs, 2);
    assert.deepEqual(row.tags, [tagOf(g, 1), tagOf(g, 2)]);
    assert.deepEqual(Object.keys(row.mean).sort(), Object.keys(RAW_PATHS).sort());
    for (const k of Object.keys(RAW_PATHS)) {
      close(row.mean[k]!, want.get(g)!.mean[k]!, `${g} mean ${k}`);
      close(row.std[k]!, want.get(g)!.std[k]!, `${g} std ${k}`);
    }
  }

  // comparison.md: a markdown table, one line per group, `mean ± std` with 3 decimals.
  const md = readFileSync(join(dir, 'comparison.md'), 'utf8').split('\n').filter((l) => l.startsWith('|'));
  const cells = (line: string): string[] => line.slice(1, -1).split('|').map((c) => c.trim());
  const header = cells(md[0]!);
  assert.deepEqual(header.slice(0, 2), ['loss', 'runs']);
  assert.deepEqual(header.slice(2).sort(), Object.keys(RAW_PATHS).sort());
  assert.equal(md.length, 2 + GROUPS.length);
  GROUPS.forEach((g, i) => {
    const c = cells(md[2 + i]!);
    assert.deepEqual(c.slice(0, 2), [g, '2']);
    header.slice(2).forEach((k, j) => assert.equal(c[2 + j], `${want.get(g)!.mean[k]!.toFixed(3)} ± ${want.get(g)!.std[k]!.toFixed(3)}`, `${g} ${k}`));
  });

  // report.html: its comparison table has one row per group (the group's first seed), in order.
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  const table = /<table id="table-comparison">([\s\S]*?)<\/table>/.exec(html);
  assert.ok(table !== null, 'report.html has the comparison table');
  const trs = [...table[1]!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<t[hd][^>]*>([^<]*)<\/t[hd]>/g)].map((c) => c[1]!));
  const head = trs[0]!;
  const col = (name: string): number => {
    const i = head.indexOf(name);
    assert.ok(i >= 0, `column ${name} in ${head.join(', ')}`);
    return i;
  };
  assert.equal(trs.length, 1 + GROUPS.length);
  const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;
  GROUPS.forEach((g, i) => {
    const r = trs[1 + i]!;
    const m = want.get(g)!.first;
    // Each group is named by its labels, not by its runs' eval folder ("eval" for all).
    assert.equal(r[col('experiment')], `loss=${g}`);
    assert.equal(r[col('set')], 'test');
    assert.equal(r[col('frame F1 (micro)')], pct(m['frameF1']!), `${g} frame F1`);
    assert.equal(r[col('mean ECE')], m['frameEce']!.toFixed(4), `${g} mean ECE`);
    assert.equal(r[col('segment F1')], pct(m['segmentF1']!), `${g} segment F1`);
    assert.equal(r[col('segment ER')], m['segmentER']!.toFixed(2), `${g} segment ER`);
    assert.equal(r[col('event F1')], pct(m['eventF1']!), `${g} event F1`);
    assert.equal(r[col('event ER')], m['eventER']!.toFixed(2), `${g} event ER`);
  });
  // One section per group, with its name as heading and an id of its own.
  assert.deepEqual([...html.matchAll(/<section id="(exp-[^"]*)"><h2>([^<]*)<\/h2>/g)].map((m) => [m[1], m[2]]), GROUPS.map((g) => [`exp-loss-${g}`, `loss=${g}`]));
  return cmp.rows;
}

const table = (s: RunSummary): string[] => [
  ...s.study!.runs.flatMap((r) => r.stages.map((st) => `${r.tag.slice(STUDY.length + 1)} ${st.name}:${st.status}`)),
  ...s.stages.map((st) => `${st.name}:${st.status}`),
];

test('synth-events label-smoothing study end to end: compare tables match the runs, a rerun skips all, one changed axis value reruns only its runs', async () => {
  const root = tempRoot('study');
  const expRoot = join(root, 'exp');
  const first = await run('synth-events', root, TINY);
  assert.deepEqual(first.study!.runs.map((r) => r.tag), [tagOf('hard', 1), tagOf('hard', 2), tagOf('binary', 1), tagOf('binary', 2)]);
  assert.deepEqual(first.stages.map((s) => `${s.name}:${s.status}`), ['compare:ran']);
  // The shared prepare stage ran once for the whole study.
  assert.deepEqual(first.study!.runs.map((r) => r.stages[0]!.status), ['ran', 'skipped', 'skipped', 'skipped']);
  // So did the features stage: it is keyed by data.seed, not by the seed axis.
  assert.deepEqual(first.study!.runs.map((r) => `${r.stages[1]!.name}:${r.stages[1]!.status}`), ['features:ran', 'features:skipped', 'features:skipped', 'features:skipped']);
  const before = checkCompare(first, expRoot);
  // Two different seeds give different models: the spread is real, not an artefact of one run read twice.
  assert.ok(before.every((r) => (r.std['frameF1'] ?? 0) > 0), JSON.stringify(before.map((r) => r.std)));

  const again = await run('synth-events', root, TINY);
  assert.ok(table(again).every((s) => s.endsWith(':skipped')), table(again).join('\n'));

  // One axis value changed: only the two runs with that loss redo training (and what follows it).
  const changed = await run('synth-events', root, [...TINY, `studies.${STUDY}.axes.loss.binary.epsilon=0.3`]);
  const ran = table(changed).filter((s) => s.endsWith(':ran'));
  assert.deepEqual(ran, [
    'loss-binary_seed-1 train:ran', 'loss-binary_seed-1 eval:ran', 'loss-binary_seed-1 report:ran',
    'loss-binary_seed-2 train:ran', 'loss-binary_seed-2 eval:ran', 'loss-binary_seed-2 report:ran',
    'compare:ran',
  ]);
  assert.equal(changed.study!.runs[2]!.stages.find((s) => s.name === 'train')!.reason, 'config changed');
  assert.equal(changed.stages[0]!.reason, `upstream ${tagOf('binary', 1)} changed`);
  const after = checkCompare(changed, expRoot);
  assert.deepEqual(after[0], before[0], 'the hard-label group is untouched');
  assert.notDeepEqual(after[1]!.mean, before[1]!.mean, 'the binary group was recomputed from the new runs');
});
