/**
 * The exported model loads in a browser with plain @tensorflow/tfjs: headless Chromium fetches
 * model.json, weights.bin and frontend.json over HTTP from a local server, imports the layers
 * module the export ships when frontend.json names one (for HibikiFusedBiGRU), predicts, and the
 * predictions must equal Node's. (CI installs chromium; without it this test fails loudly.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { exportModel } from '../../../src/train/index.js';
import { Rng } from '../../../src/util/rng.js';
import { chromiumPath } from '../eval/chromium.js';
import { buildSeeded } from '../../../src/train/index.js';
import { FusedBiGRU, SeededDropout, SpliceDense } from '../../../src/nn/layers/index.js';

await tf.setBackend('cpu');

const TF_BUNDLE = join(createRequire(import.meta.url).resolve('@tensorflow/tfjs'), '..', '..', 'dist', 'tf.min.js');

function page(input: number[]): string {
  return `<!doctype html><html><body><pre id="out">pending</pre>
<script src="/tf.min.js"></script>
<script type="module">
async function predict(dir) {
  const frontend = await (await fetch(dir + '/frontend.json')).json();
  if (frontend.layersModule !== undefined) (await import(dir + '/' + frontend.layersModule)).registerHibikiLayers(tf);
  const model = await tf.loadLayersModel(dir + '/model.json');
  const y = model.predict(tf.tensor3d(${JSON.stringify(input)}, [1, 10, 12]));
  return { pred: Array.from(y.dataSync()), vocabulary: frontend.vocabulary, layersModule: frontend.layersModule ?? null };
}
(async () => {
  await tf.setBackend('cpu');
  const result = { standard: await predict('/model'), module: await predict('/model-module') };
  document.getElementById('out').textContent = 'RESULT ' + JSON.stringify(result);
})().catch((e) => { document.getElementById('out').textContent = 'ERROR ' + e; });
</script></body></html>`;
}

test('an exported model loads and predicts identically in headless Chromium with plain tfjs', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hibiki-browser-'));
  const rng = new Rng(11);
  const input = Array.from({ length: 120 }, () => Math.fround(rng.normal()));
  // nn's SeededDropout is exported as a plain Dropout and SpliceDense as standard layers;
  // FusedBiGRU needs the shipped module, which the page imports (no other hibiki code).
  const model = buildSeeded(8, () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ inputShape: [null, 12], units: 16, activation: 'relu' }));
    m.add(new SpliceDense({ units: 8, offsets: [-2, 0, 2], seed: 3 }));
    m.add(new SeededDropout({ rate: 0.3, seed: 5 }));
    m.add(new FusedBiGRU({ units: 6, seed: 4 }));
    m.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
    return m;
  });
  // Non-zero biases everywhere, so that every weight matters.
  model.setWeights(model.getWeights().map((w) => tf.add(w, tf.randomUniform(w.shape, -0.3, 0.3, 'float32', 6))));
  const frontend = { featureConfig: { kind: 'mfcc' }, vocabulary: ['sil', 'a', 'b'], task: 'frame-classification' };
  // Two exports: the fused GRU as standard layers (default), and as the custom class + module.
  await exportModel(model, join(dir, 'model'), frontend);
  await exportModel(model, join(dir, 'model-module'), frontend, { fusedGru: 'custom-layer' });
  const expected = [...(model.predict(tf.tensor3d(input, [1, 10, 12])) as tf.Tensor).dataSync()];
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    let body: Buffer | string | undefined;
    let type = 'application/octet-stream';
    if (url === '/index.html') [body, type] = [page(input), 'text/html'];
    else if (url === '/tf.min.js') [body, type] = [readFileSync(TF_BUNDLE), 'text/javascript'];
    else if (url.startsWith('/model/') || url.startsWith('/model-module/')) {
      body = readFileSync(join(dir, url.split('/')[1]!, basename(url)));
      if (url.endsWith('.json')) type = 'application/json';
      if (url.endsWith('.mjs')) type = 'text/javascript';
    }
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': type }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const profile = mkdtempSync(join(tmpdir(), 'hibiki-chromium-'));
  try {
    const { port } = server.address() as AddressInfo;
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = spawn(chromiumPath(), [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
        '--virtual-time-budget=30000',
        '--dump-dom',
        `http://127.0.0.1:${port}/index.html`,
      ]);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('exit', () => resolve(out));
    });
    const text = /<pre id="out">([^<]*)<\/pre>/.exec(stdout)?.[1] ?? stdout.slice(0, 500);
    assert.match(text, /^RESULT /, text);
    type Got = { pred: number[]; vocabulary: string[]; layersModule: string | null };
    const got = JSON.parse(text.slice('RESULT '.length)) as { standard: Got; module: Got };
    assert.equal(got.standard.layersModule, null);
    assert.equal(got.module.layersModule, 'hibiki-layers.mjs');
    for (const [which, r] of Object.entries(got)) {
      assert.deepEqual(r.vocabulary, ['sil', 'a', 'b']);
      assert.equal(r.pred.length, expected.length);
      const worst = Math.max(...r.pred.map((v, i) => Math.abs(v - expected[i]!)));
      t.diagnostic(`max abs difference browser (${which}) vs Node: ${worst}`);
      // The fused layer's kernels (Node) and the standard layers or module's ops (browser) round differently.
      assert.ok(worst <= 1e-5, `${which}: max abs diff ${worst}`);
    }
  } finally {
    server.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});
