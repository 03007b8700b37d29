/**
 * Tiny tone corpora for the experiment tests: every label is a sine tone of its own frequency,
 * so a small model separates them in a few epochs. Written as real data directories (WAV files,
 * wav.scp, alignment / events.tsv / text) with the audio layer's writeWav.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeWav } from '../../../src/audio/index.js';
import { Rng } from '../../../src/util/rng.js';

export const RATE = 8000;
export const TONES: Record<string, number> = { a: 400, b: 1200, c: 2400, d: 3200 };

function tone(out: Float32Array, from: number, to: number, hz: number, amp: number, rng: Rng): void {
  for (let i = from; i < to && i < out.length; i++) out[i] = out[i]! + amp * Math.sin((2 * Math.PI * hz * i) / RATE) + 0.01 * rng.normal();
}

/** Utterances of consecutive single-label segments (alignment) and their token sequence (text). */
export function writeSequenceCorpus(dir: string, options: { utterances: number; seed: number; labels: string[]; segSec: [number, number]; tokensPerUtt: [number, number] }): void {
  mkdirSync(join(dir, 'wav'), { recursive: true });
  const rng = new Rng(options.seed);
  const scp: string[] = [];
  const align: string[] = [];
  const text: string[] = [];
  for (let u = 0; u < options.utterances; u++) {
    const utt = `utt${String(u).padStart(3, '0')}`;
    const n = options.tokensPerUtt[0] + rng.int(options.tokensPerUtt[1] - options.tokensPerUtt[0] + 1);
    const segs: { label: string; len: number }[] = [];
    let prev = '';
    for (let i = 0; i < n; i++) {
      let label = options.labels[rng.int(options.labels.length)]!;
      while (label === prev) label = options.labels[rng.int(options.labels.length)]!;
      prev = label;
      segs.push({ label, len: Math.round(rng.range(options.segSec[0], options.segSec[1]) * 100) / 100 });
    }
    const total = segs.reduce((a, s) => a + s.len, 0);
    const samples = new Float32Array(Math.round(total * RATE));
    let t = 0;
    for (const s of segs) {
      tone(samples, Math.round(t * RATE), Math.round((t + s.len) * RATE), TONES[s.label]!, 0.3, rng);
      align.push(`${utt} ${t.toFixed(2)} ${(t + s.len).toFixed(2)} ${s.label}`);
      t += s.len;
    }
    writeWav(join(dir, 'wav', `${utt}.wav`), samples, RATE);
    scp.push(`${utt} wav/${utt}.wav`);
    text.push(`${utt} ${segs.map((s) => s.label).join(' ')}`);
  }
  writeFileSync(join(dir, 'wav.scp'), scp.join('\n') + '\n');
  writeFileSync(join(dir, 'alignment'), align.join('\n') + '\n');
  writeFileSync(join(dir, 'text'), text.join('\n') + '\n');
}

/** Recordings with overlapping tone events (events.tsv, DCASE form). */
export function writeEventCorpus(dir: string, options: { files: number; seed: number; labels: string[]; seconds: number }): void {
  mkdirSync(join(dir, 'wav'), { recursive: true });
  const rng = new Rng(options.seed);
  const scp: string[] = [];
  const events: string[] = ['filename\tonset\toffset\tevent_label'];
  for (let f = 0; f < options.files; f++) {
    const utt = `rec${String(f).padStart(3, '0')}`;
    const samples = new Float32Array(Math.round(options.seconds * RATE));
    for (const label of options.labels) {
      // One or two events per class, anywhere, so classes overlap.
      const count = 1 + rng.int(2);
      for (let i = 0; i < count; i++) {
        const len = Math.round(rng.range(0.2, 0.5) * 100) / 100;
        const onset = Math.round(rng.range(0, options.seconds - len) * 100) / 100;
        tone(samples, Math.round(onset * RATE), Math.round((onset + len) * RATE), TONES[label]!, 0.2, rng);
        events.push(`${utt}.wav\t${onset.toFixed(2)}\t${(onset + len).toFixed(2)}\t${label}`);
      }
    }
    writeWav(join(dir, 'wav', `${utt}.wav`), samples, RATE);
    scp.push(`${utt} wav/${utt}.wav`);
  }
  writeFileSync(join(dir, 'wav.scp'), scp.join('\n') + '\n');
  writeFileSync(join(dir, 'events.tsv'), events.join('\n') + '\n');
}
