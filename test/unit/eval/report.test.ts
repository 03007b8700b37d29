// Builds a report from fabricated experiment directories, opens it in headless Chromium and
// checks that it renders without console errors and that every figure is in the rendered DOM.
// Set HIBIKI_UPDATE_DOCS=1 to refresh the screenshots in docs/images/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from '../../../src/eval/index.js';
import { isHibikiError } from '../../../src/errors.js';
import { runChromium } from './chromium.js';
import { makeEventExperiment, makeFrameExperiment } from './report-fixture.js';

const root = mkdtempSync(join(tmpdir(), 'hibiki-report-'));
const updateDocs = process.env.HIBIKI_UPDATE_DOCS === '1';

const EXPECTED_PLOTS = [
  'plot-comparison-test',
  'plot-reliability-comparison-test',
  'plot-training-loss',
  'plot-dev-metrics',
  'plot-confusion-baseline-test',
  'plot-reliability-baseline-test',
  'plot-confusion-ls-uniform-0-1-test',
  'plot-reliability-ls-uniform-0-1-test',
  'plot-reliability-sed-boundary-ls-test',
  'plot-timeline-sed-boundary-ls-test-0',
];

test('report: self-contained HTML, every figure rendered by Chromium with no console message', async () => {
  const a = makeFrameExperiment(root, 'baseline', 1, 2.0);
  const b = makeFrameExperiment(root, 'ls-uniform-0.1', 2, 1.1);
  const c = makeEventExperiment(root, 'sed-boundary-ls', 3);
  const out = await writeReport({ expDirs: [a, b, c], out: join(root, 'report.html') });
  const html = readFileSync(out, 'utf8');
  // Nothing to fetch: no scripts, no external resources (only the SVG/XLink namespace URIs).
  assert.doesNotMatch(html, /<script/i);
  assert.deepEqual([...new Set(html.match(/https?:\/\/[^"'\s)]+/g) ?? [])].sort(), ['http://www.w3.org/1999/xlink', 'http://www.w3.org/2000/svg']);
  // The per-class table carries the metrics.json values.
  assert.match(html, /id="table-classes-baseline-test"/);
  assert.match(html, /id="table-comparison"/);

  const shot = updateDocs ? join('docs', 'images', 'report.png') : join(root, 'report.png');
  mkdirSync(join(shot, '..'), { recursive: true });
  // One Chromium run renders the page, dumps the DOM and takes the screenshot.
  const run = runChromium(out, ['--dump-dom', '--window-size=1280,2600', `--screenshot=${shot}`]);
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  assert.deepEqual(run.console, [], 'the page logged console messages');
  const dom = run.stdout;
  for (const id of EXPECTED_PLOTS) {
    const m = new RegExp(`<svg[^>]*id="${id}"[^>]*>`).exec(dom);
    assert.ok(m !== null, `figure ${id} missing from the rendered DOM`);
    assert.match(m[0], /aria-label="[^"]+"/, `figure ${id} has no aria-label`);
    const end = dom.indexOf('</svg>', m.index);
    const body = dom.slice(m.index, end);
    assert.ok(/<(path|rect|image)\b/.test(body), `figure ${id} has no marks`);
  }
  assert.match(dom, /<image[^>]+href="data:image\/png;base64,/, 'spectrogram image not in the DOM');

  const png = readFileSync(shot);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1280, 2600]);
  assert.ok(statSync(shot).size > 50_000, 'screenshot looks blank');
  if (updateDocs) {
    const sed = await writeReport({ expDirs: [c], out: join(root, 'sed.html') });
    runChromium(sed, ['--window-size=1280,2400', `--screenshot=${join('docs', 'images', 'report-events.png')}`]);
  }
});

test('report: the console check catches a page that logs an error (negative control)', () => {
  const bad = join(root, 'bad.html');
  writeFileSync(bad, '<!doctype html><html><body><script>console.error("boom")</script></body></html>');
  const run = runChromium(bad, ['--dump-dom']);
  assert.equal(run.console.length, 1, run.stderr.slice(-2000));
  assert.match(run.console[0]!, /boom/);
});

test('report: a missing experiment directory is a user error', async () => {
  await assert.rejects(writeReport({ expDirs: [join(root, 'nope')] }), (e) => isHibikiError(e, 'EXP_NOT_FOUND'));
  await assert.rejects(writeReport({ expDirs: [] }), (e) => isHibikiError(e, 'REPORT_EMPTY'));
});
