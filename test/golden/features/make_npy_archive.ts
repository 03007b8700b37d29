/**
 * Writes the small feature archive that check_npy.py loads with numpy (evidence that hibiki's
 * .npy shards are what numpy expects). Run through check_npy.py:
 *     /usr/bin/python3 test/golden/features/check_npy.py
 * which calls `node --import tsx test/golden/features/make_npy_archive.ts <out dir>`.
 * The unit test test/unit/data/archive-npy.test.ts rebuilds the archive with `makeNpyArchive`
 * and checks it is byte-identical to the committed one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractFeatureArchive } from '../../../src/data/archive/index.js';
import { resolveFeatureConfig } from '../../../src/features/index.js';
import { testSignal, writeWav16 } from '../../unit/data/archive-helpers.js';

/** Builds the archive in `outDir` from 5 generated utterances, 2 per shard (3 shards). */
export async function makeNpyArchive(outDir: string): Promise<void> {
  const wavDir = mkdtempSync(join(tmpdir(), 'hibiki-npy-'));
  try {
    const items = [];
    for (let i = 0; i < 5; i++) {
      const path = join(wavDir, `u${i}.wav`);
      writeWav16(path, testSignal(10 + i, 0.15 + 0.05 * i, 16000), 16000);
      items.push({ utt: `u${i}`, path });
    }
    await extractFeatureArchive({ items, outDir, config: resolveFeatureConfig({ numCeps: 13 }), numJobs: 0, uttsPerShard: 2, force: true });
  } finally {
    rmSync(wavDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && /make_npy_archive\.ts$/.test(process.argv[1])) {
  const out = process.argv[2];
  if (out === undefined) {
    process.stderr.write('usage: make_npy_archive.ts <out dir>\n');
    process.exit(2);
  }
  await makeNpyArchive(out);
}
