/** Loads the committed Kaldi golden fixture (test/golden/features/make_kaldi_golden.py). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface GoldenCase {
  name: string;
  rate: number;
  config: Record<string, unknown>;
  frames: number;
  dim: number;
  values: number[];
}

export interface KaldiGolden {
  signals: Record<string, string>;
  cases: GoldenCase[];
  deltas: { input: { frames: number; dim: number; values: number[] }; order2window2: number[] };
  cmvn: {
    utterances: Record<string, { frames: number; values: number[] }>;
    utt2spk: Record<string, string>;
    perUtteranceMean: Record<string, number[]>;
    perUtteranceMeanVar: Record<string, number[]>;
    perSpeakerMeanVar: Record<string, number[]>;
    globalMeanVar: Record<string, number[]>;
  };
  splice: { context: number; a2: number[] };
}

let cached: KaldiGolden | undefined;

export function kaldiGolden(): KaldiGolden {
  if (cached === undefined) {
    const path = fileURLToPath(new URL('../../golden/features/kaldi_golden.json', import.meta.url));
    cached = JSON.parse(readFileSync(path, 'utf8')) as KaldiGolden;
  }
  return cached;
}

/** The int16 test signal of a rate, as [-1, 1] floats (what readAudio returns). */
export function goldenSignal(rate: number): Float32Array {
  const b64 = kaldiGolden().signals[String(rate)];
  if (b64 === undefined) throw new Error(`no golden signal at ${rate} Hz`);
  const bytes = Buffer.from(b64, 'base64');
  const out = new Float32Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readInt16LE(2 * i) / 32768;
  return out;
}

/** Largest |a - b| and largest |a - b| / max(1, |b|). */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): { abs: number; rel: number } {
  let abs = 0;
  let rel = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    abs = Math.max(abs, d);
    rel = Math.max(rel, d / Math.max(1, Math.abs(b[i]!)));
  }
  return { abs, rel };
}
