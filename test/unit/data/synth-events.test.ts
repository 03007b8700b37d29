import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAudio } from '../../../src/audio/index.js';
import { EVENT_LABELS, generateEventFile, synthesizeEventCorpus } from '../../../src/data/synth/index.js';
import { isHibikiError } from '../../../src/errors.js';
import { Rng } from '../../../src/util/rng.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'hibiki-synth-ev-'));
const params = { fileDuration: 6, sampleRate: 16000, maxPolyphony: 3, snrDb: [0, 20] as [number, number], eventsPer10s: [4, 8] as [number, number] };

function filesOf(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const f of readdirSync(dir)) if (f !== 'wav') out.set(f, readFileSync(join(dir, f)));
  for (const f of readdirSync(join(dir, 'wav'))) out.set(`wav/${f}`, readFileSync(join(dir, 'wav', f)));
  return out;
}

function parseEvents(text: string): { file: string; onset: number; offset: number; label: string }[] {
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], 'filename\tonset\toffset\tevent_label');
  return lines.slice(1).filter((l) => !l.endsWith('\t\t\t')).map((l) => {
    const [file, on, off, label] = l.split('\t') as [string, string, string, string];
    return { file, onset: Number(on), offset: Number(off), label };
  });
}

test('same seed gives identical bytes, another seed different audio; files and formats as documented', () => {
  const [a, b, c] = [tmp(), tmp(), tmp()];
  const opts = { seed: 7, files: 2, fileDuration: 3 };
  synthesizeEventCorpus({ ...opts, out: a });
  synthesizeEventCorpus({ ...opts, out: b });
  synthesizeEventCorpus({ ...opts, seed: 8, out: c });
  const fa = filesOf(a);
  const fb = filesOf(b);
  assert.deepEqual([...fa.keys()].sort(), ['events.exact.tsv', 'events.tsv', 'synth.json', 'utt2spk', 'wav.scp', 'wav/ev-train-00001.wav', 'wav/ev-train-00002.wav']);
  for (const [k, v] of fa) assert.ok(v.equals(fb.get(k)!), `${k} differs between equal seeds`);
  assert.ok(!fa.get('wav/ev-train-00001.wav')!.equals(filesOf(c).get('wav/ev-train-00001.wav')!));
  assert.equal(fa.get('wav.scp')!.toString(), 'ev-train-00001 wav/ev-train-00001.wav\nev-train-00002 wav/ev-train-00002.wav\n');
  assert.equal(fa.get('utt2spk')!.toString(), 'ev-train-00001 ev-train-00001\nev-train-00002 ev-train-00002\n');
  // no jitter asked: the trainer's labels are the exact ones
  assert.ok(fa.get('events.tsv')!.equals(fa.get('events.exact.tsv')!));
  const sig = readAudio(join(a, 'wav/ev-train-00001.wav'));
  assert.equal(sig.sampleRate, 16000);
  assert.equal(sig.samples.length, 3 * 16000);
  for (const e of parseEvents(fa.get('events.tsv')!.toString())) {
    assert.ok(EVENT_LABELS.includes(e.label));
    assert.ok(e.onset >= 0 && e.offset <= 3 && e.onset < e.offset);
  }
});

test('train labels are jittered by at most J ms; dev keeps exact labels', () => {
  const dir = tmp();
  synthesizeEventCorpus({ seed: 3, files: 3, fileDuration: 5, boundaryJitterMs: 40, out: dir });
  const exact = parseEvents(readFileSync(join(dir, 'events.exact.tsv'), 'utf8'));
  const used = parseEvents(readFileSync(join(dir, 'events.tsv'), 'utf8'));
  assert.equal(used.length, exact.length);
  assert.ok(exact.length >= 3);
  let changed = 0;
  for (const u of used) {
    const match = exact.find((e) => e.file === u.file && e.label === u.label && Math.abs(e.onset - u.onset) <= 0.040 + 1e-9 && Math.abs(e.offset - u.offset) <= 0.040 + 1e-9);
    assert.ok(match !== undefined, `no exact event within 40 ms of ${JSON.stringify(u)}`);
    if (match.onset !== u.onset || match.offset !== u.offset) changed++;
  }
  assert.ok(changed > 0);
  const dev = tmp();
  synthesizeEventCorpus({ seed: 3, files: 2, fileDuration: 3, boundaryJitterMs: 40, split: 'dev', out: dev });
  assert.equal(readFileSync(join(dev, 'events.tsv'), 'utf8'), readFileSync(join(dev, 'events.exact.tsv'), 'utf8'));
  assert.match(readFileSync(join(dev, 'wav.scp'), 'utf8'), /^ev-dev-00001 /);
});

test('labels agree with the audio: energy inside events above the background, only background outside', () => {
  const ratiosDb: number[] = [];
  for (let f = 0; f < 6; f++) {
    const file = generateEventFile(new Rng(1000 + f), params);
    const x = file.samples;
    const bgPower = file.backgroundRms ** 2;
    const active = new Uint8Array(x.length);
    for (const e of file.events) {
      const a = e.onset * 16;
      const b = e.offset * 16;
      let p = 0;
      for (let i = a; i < b; i++) p += x[i]! * x[i]!;
      ratiosDb.push(10 * Math.log10(p / (b - a) / bgPower));
      active.fill(1, a, b);
    }
    // event-free stretches hold only background: power within 2 dB of the background power
    let p = 0;
    let n = 0;
    for (let i = 0; i < x.length; i++) if (active[i] === 0) { p += x[i]! * x[i]!; n++; }
    if (n > 16000) assert.ok(Math.abs(10 * Math.log10(p / n / bgPower)) < 2, `outside events: ${10 * Math.log10(p / n / bgPower)} dB`);
    // polyphony never exceeds 3, and a class never overlaps itself
    for (const e of file.events) {
      const t = e.onset;
      assert.ok(file.events.filter((o) => o.onset <= t && t < o.offset).length <= 3);
      assert.ok(!file.events.some((o) => o !== e && o.label === e.label && o.onset < e.offset && e.onset < o.offset));
    }
  }
  ratiosDb.sort((a, b) => a - b);
  assert.ok(ratiosDb.length >= 15);
  assert.ok(ratiosDb[0]! > 1, `weakest event only ${ratiosDb[0]} dB above background`);
  assert.ok(ratiosDb[Math.floor(ratiosDb.length / 2)]! > 6, `median ${ratiosDb[Math.floor(ratiosDb.length / 2)]} dB`);
});

test('--hours sizes the event corpus in whole files', () => {
  const dir = tmp();
  const s = synthesizeEventCorpus({ seed: 2, hours: 5 / 3600, fileDuration: 2, out: dir });
  assert.equal(s.files, 3); // ceil(5 s / 2 s)
  assert.equal(s.seconds, 6);
  assert.equal(readFileSync(join(dir, 'wav.scp'), 'utf8').trimEnd().split('\n').length, 3);
});

test('bad options are HibikiErrors', () => {
  const bad: [Record<string, unknown>, string][] = [
    [{ out: tmp(), seed: 1, files: 2, hours: 1 }, 'SYNTH_BAD_SIZE'],
    [{ out: tmp(), seed: 1, files: -1 }, 'CONFIG_INVALID'],
    [{ out: tmp(), seed: 1, split: 'eval' }, 'CONFIG_INVALID'],
    [{ out: tmp(), seed: 1, snrDb: [10, 0] }, 'CONFIG_INVALID'],
    [{ out: tmp(), seed: 1, sampleRate: 8000 }, 'CONFIG_INVALID'],
  ];
  for (const [opts, code] of bad) {
    assert.throws(() => synthesizeEventCorpus(opts as never), (e: unknown) => isHibikiError(e, code), JSON.stringify(opts));
  }
});
