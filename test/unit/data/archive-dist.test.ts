import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { resolveFeatureConfig } from '../../../src/features/index.js';
import { extractFeatureArchive } from '../../../src/data/archive/index.js';
import { makeCorpus } from './archive-helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Compiles the worker's import closure (from src/data/archive/index.ts) to JS in the dist/
 * layout, as `npm run build` does (per-file transpile; type checking is `npm test`'s job).
 */
function buildDist(outDir: string): void {
  const todo = [join(root, 'src/data/archive/index.ts')];
  const done = new Set<string>();
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g)) {
      const dep = join(dirname(file), `${m[1]!}.ts`);
      if (existsSync(dep)) todo.push(dep);
    }
    const out = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: file,
    });
    const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, out.outputText);
  }
  // worker.ts is loaded by URL, not imported.
  assert.ok(done.has(join(root, 'src/data/archive/extract.ts')));
  const worker = join(root, 'src/data/archive/worker.ts');
  if (!done.has(worker)) {
    const out = ts.transpileModule(readFileSync(worker, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } });
    writeFileSync(join(outDir, 'src/data/archive/worker.js'), out.outputText);
  }
}

test('extraction workers also run from compiled JavaScript (dist/ layout, plain node, no tsx)', async () => {
  // Inside node_modules/.cache so the compiled files resolve the project's dependencies.
  const dist = join(root, 'node_modules', '.cache', `hibiki-dist-test-${process.pid}`);
  try {
    buildDist(dist);
    writeFileSync(join(dist, 'package.json'), '{"type": "module"}\n');
    const corpus = makeCorpus(4);
    const config = resolveFeatureConfig({ kind: 'fbank', dither: 1 });
    const driver = join(dist, 'driver.mjs');
    writeFileSync(
      driver,
      `import { extractFeatureArchive } from './src/data/archive/index.js';\n` +
        `const s = await extractFeatureArchive({ items: ${JSON.stringify(corpus.items)}, outDir: ${JSON.stringify(join(corpus.dir, 'dist'))}, config: ${JSON.stringify(config)}, numJobs: 2, uttsPerShard: 2 });\n` +
        `console.log(JSON.stringify(s));\n`,
    );
    const run = spawnSync(process.execPath, [driver], { encoding: 'utf8', execArgv: [] } as Parameters<typeof spawnSync>[2] & { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const summary = JSON.parse(run.stdout.trim().split('\n').pop()!) as { utterances: number; shards: number };
    assert.equal(summary.utterances, 4);
    assert.equal(summary.shards, 2);
    await extractFeatureArchive({ items: corpus.items, outDir: join(corpus.dir, 'src'), config, numJobs: 0, uttsPerShard: 2 });
    for (const name of ['feats.0.npy', 'feats.1.npy', 'index.jsonl', 'stats.json']) {
      assert.deepEqual(readFileSync(join(corpus.dir, 'dist', name)), readFileSync(join(corpus.dir, 'src', name)), name);
    }
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
});
