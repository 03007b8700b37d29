// Experiment names in the report: the `names` option, repeated names and ids that slug alike.
// No browser here (report.test.ts renders the page in Chromium); these read the HTML text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from '../../../src/eval/index.js';
import { idAllocator, uniqueNames } from '../../../src/eval/report/html.js';
import { isHibikiError } from '../../../src/errors.js';
import { makeFrameExperiment } from './report-fixture.js';

const root = mkdtempSync(join(tmpdir(), 'hibiki-report-names-'));

/** Three experiment directories all called `eval` (as a study's runs are), with different metrics. */
function evalDirs(): string[] {
  return [1, 2, 3].map((i) => {
    const parent = join(root, `run-${i}`);
    mkdirSync(parent, { recursive: true });
    return makeFrameExperiment(parent, 'eval', i, 0.8 + 0.4 * i);
  });
}
const dirs = evalDirs();

/** Every id attribute on the page, in order. */
const ids = (html: string): string[] => [...html.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1]!);
const duplicates = (xs: readonly string[]): string[] => [...new Set(xs.filter((x, i) => xs.indexOf(x) !== i))];

/** The first cell of each body row of the comparison table. */
function comparisonNames(html: string): string[] {
  const t = /<table id="table-comparison">([\s\S]*?)<\/table>/.exec(html);
  assert.ok(t !== null, 'no comparison table');
  return [...t[1]!.matchAll(/<tr><td>([^<]*)<\/td>/g)].map((m) => m[1]!);
}

test('uniqueNames: later copies get (2), (3), skipping suffixes that are real names', () => {
  assert.deepEqual(uniqueNames(['eval', 'eval', 'eval']), ['eval', 'eval (2)', 'eval (3)']);
  assert.deepEqual(uniqueNames(['a', 'a', 'a (2)']), ['a', 'a (3)', 'a (2)']);
  assert.deepEqual(uniqueNames(['a (2)', 'a', 'a']), ['a (2)', 'a', 'a (3)']);
  assert.deepEqual(uniqueNames(['x', 'y']), ['x', 'y']);
});

test('idAllocator: slugs, numbered on collision, reserved ids never handed out', () => {
  const next = idAllocator(['comparison-test']);
  assert.deepEqual(
    ['loss=hard, data.jitterMs=40', 'a b', 'a-b', 'A_B', 'a-b-2', 'comparison-test', '<>&"'].map(next),
    ['loss-hard-data-jitterms-40', 'a-b', 'a-b-2', 'a-b-3', 'a-b-2-2', 'comparison-test-2', 'x'],
  );
});

test('report: without names, three runs called "eval" get distinct labels and ids', async () => {
  const html = readFileSync(await writeReport({ expDirs: dirs, out: join(root, 'default.html'), maxTimelines: 0 }), 'utf8');
  assert.deepEqual(comparisonNames(html), ['eval', 'eval (2)', 'eval (3)']);
  assert.deepEqual(ids(html).filter((id) => id.startsWith('exp-')), ['exp-eval', 'exp-eval-2', 'exp-eval-3']);
  assert.deepEqual(ids(html).filter((id) => id.startsWith('table-classes-')), ['table-classes-eval-test', 'table-classes-eval-2-test', 'table-classes-eval-3-test']);
  assert.deepEqual(duplicates(ids(html)), []);
});

test('report: names label the groups; names that slug alike or repeat, or hold markup, cannot collide', async () => {
  const names = ['loss=hard, data.jitterMs=40', 'loss=hard; data.jitterMs=40', '<b>comparison</b> & "x"'];
  const html = readFileSync(await writeReport({ expDirs: dirs, names, out: join(root, 'named.html'), maxTimelines: 0 }), 'utf8');
  assert.deepEqual(comparisonNames(html), ['loss=hard, data.jitterMs=40', 'loss=hard; data.jitterMs=40', '&lt;b&gt;comparison&lt;/b&gt; &amp; &quot;x&quot;']);
  const all = ids(html);
  assert.deepEqual(duplicates(all), []);
  assert.deepEqual(all.filter((id) => id.startsWith('exp-')), ['exp-loss-hard-data-jitterms-40', 'exp-loss-hard-data-jitterms-40-2', 'exp-b-comparison-b-x']);
  // HTML-safe: ids are slugs, and the markup in a name is text, never an element.
  // (vega's own ids inside the SVGs, e.g. gradient_3, are its business.)
  for (const id of all.filter((x) => /^(exp|table|plot)-/.test(x))) assert.match(id, /^[a-z0-9-]+$/, id);
  assert.doesNotMatch(html, /<b>comparison/);
  assert.match(html, /<h2>&lt;b&gt;comparison&lt;\/b&gt; &amp; &quot;x&quot;<\/h2>/);

  const same = readFileSync(await writeReport({ expDirs: dirs, names: ['g', 'g', 'comparison'], out: join(root, 'same.html'), maxTimelines: 0 }), 'utf8');
  assert.deepEqual(comparisonNames(same), ['g', 'g (2)', 'comparison']);
  assert.deepEqual(duplicates(ids(same)), []);
  // The experiment "comparison" on set "test" does not take the comparison section's plot ids.
  assert.ok(ids(same).includes('plot-reliability-comparison-test'));
  assert.ok(ids(same).includes('plot-reliability-comparison-test-2'));
});

test('report: names must match the experiment directories one to one', async () => {
  await assert.rejects(writeReport({ expDirs: dirs, names: ['a', 'b'], out: join(root, 'bad.html') }), (e) => isHibikiError(e, 'REPORT_BAD_NAMES'));
});
