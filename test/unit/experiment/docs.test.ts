import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseExperimentConfig } from '../../../src/pipeline/experiment/index.js';

test('every example config in docs/experiments.md validates, one per task', () => {
  const text = readFileSync(new URL('../../../docs/experiments.md', import.meta.url), 'utf8');
  const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.equal(blocks.length, 3);
  const tasks = blocks.map((b) => parseExperimentConfig(parse(b), 'docs/experiments.md').task);
  assert.deepEqual(tasks, ['frame', 'multilabel', 'ctc']);
});
