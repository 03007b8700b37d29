import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAudio } from '../../../src/audio/index.js';
import { PHONE_LABELS, generatePhoneUtterance, randomSpeaker, synthesizePhoneCorpus } from '../../../src/data/synth/index.js';
import { Rng } from '../../../src/util/rng.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'hibiki-synth-ph-'));
const params = { sampleRate: 16000, wordsPerUtterance: [2, 4] as [number, number], snrDb: [20, 40] as [number, number] };

interface Line { utt: string; start: number; end: number; label: string }
function parseAlignment(text: string): Line[] {
  return text.trimEnd().split('\n').map((l) => {
    const [utt, s, e, label] = l.split(' ') as [string, string, string, string];
    return { utt, start: Number(s), end: Number(e), label };
  });
}

function dirBytes(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const f of readdirSync(dir)) if (f !== 'wav') out.set(f, readFileSync(join(dir, f)));
  for (const f of readdirSync(join(dir, 'wav'))) out.set(`wav/${f}`, readFileSync(join(dir, 'wav', f)));
  return out;
}

test('phones: same seed identical bytes, other seed differs; ids sorted, utt2spk and text consistent', () => {
  const [a, b, c] = [tmp(), tmp(), tmp()];
  const opts = { seed: 11, utterances: 3, speakers: 2, wordsPerUtterance: [1, 2] as [number, number] };
  synthesizePhoneCorpus({ ...opts, out: a });
  synthesizePhoneCorpus({ ...opts, out: b });
  synthesizePhoneCorpus({ ...opts, seed: 12, out: c });
  const fa = dirBytes(a);
  const fb = dirBytes(b);
  assert.deepEqual([...fa.keys()].sort(), ['alignment', 'alignment.exact', 'synth.json', 'text', 'utt2spk', 'wav.scp', 'wav/train001-00001.wav', 'wav/train001-00002.wav', 'wav/train002-00001.wav']);
  for (const [k, v] of fa) assert.ok(v.equals(fb.get(k)!), `${k} differs between equal seeds`);
  assert.ok(!fa.get('wav/train001-00001.wav')!.equals(dirBytes(c).get('wav/train001-00001.wav')!));
  assert.equal(fa.get('utt2spk')!.toString(), 'train001-00001 train001\ntrain001-00002 train001\ntrain002-00001 train002\n');
  const ids = fa.get('wav.scp')!.toString().trimEnd().split('\n').map((l) => l.split(' ')[0]!);
  assert.deepEqual(ids, [...ids].sort());
  const ali = parseAlignment(fa.get('alignment')!.toString());
  for (const line of fa.get('text')!.toString().trimEnd().split('\n')) {
    const [utt, ...phones] = line.split(' ');
    assert.deepEqual(phones, ali.filter((s) => s.utt === utt && s.label !== 'sil').map((s) => s.label));
    assert.ok(phones.length > 0);
  }
});

test('alignment covers each file exactly: contiguous, no gaps or overlaps, ends at the last sample', () => {
  const dir = tmp();
  synthesizePhoneCorpus({ seed: 5, utterances: 4, speakers: 2, out: dir });
  const ali = parseAlignment(readFileSync(join(dir, 'alignment'), 'utf8'));
  for (const line of readFileSync(join(dir, 'wav.scp'), 'utf8').trimEnd().split('\n')) {
    const [utt, rel] = line.split(' ') as [string, string];
    const segs = ali.filter((s) => s.utt === utt);
    const sig = readAudio(join(dir, rel));
    assert.equal(segs[0]!.start, 0);
    assert.equal(Math.round(segs[segs.length - 1]!.end * 16000), sig.samples.length);
    assert.equal(segs[0]!.label, 'sil');
    assert.equal(segs[segs.length - 1]!.label, 'sil');
    segs.forEach((s, i) => {
      assert.ok(s.end - s.start >= 0.030 - 1e-9, `${utt} segment ${i} too short`);
      assert.ok(PHONE_LABELS.includes(s.label));
      if (i > 0) {
        assert.equal(s.start, segs[i - 1]!.end);
        assert.notEqual(s.label, segs[i - 1]!.label, 'two equal phones in a row');
      }
    });
  }
});

test('jittered train alignment: every boundary within J of the exact one, order and coverage kept; dev exact', () => {
  const dir = tmp();
  synthesizePhoneCorpus({ seed: 9, utterances: 3, speakers: 1, boundaryJitterMs: 25, out: dir });
  const exact = parseAlignment(readFileSync(join(dir, 'alignment.exact'), 'utf8'));
  const used = parseAlignment(readFileSync(join(dir, 'alignment'), 'utf8'));
  assert.equal(used.length, exact.length);
  let changed = 0;
  used.forEach((u, i) => {
    const e = exact[i]!;
    assert.equal(u.utt, e.utt);
    assert.equal(u.label, e.label);
    assert.ok(Math.abs(u.start - e.start) <= 0.025 + 1e-9 && Math.abs(u.end - e.end) <= 0.025 + 1e-9);
    assert.ok(u.start < u.end);
    const next = used[i + 1];
    if (next !== undefined && next.utt === u.utt) assert.equal(next.start, u.end);
    if (u.start !== e.start) changed++;
  });
  assert.ok(changed > used.length / 2, `only ${changed} boundaries moved`);
  const dev = tmp();
  synthesizePhoneCorpus({ seed: 9, utterances: 2, speakers: 1, boundaryJitterMs: 25, split: 'test', out: dev });
  assert.equal(readFileSync(join(dev, 'alignment'), 'utf8'), readFileSync(join(dev, 'alignment.exact'), 'utf8'));
});

test('audio agrees with labels: vowels far louder than silences, stop closures quiet, fricatives high-frequency', () => {
  for (let u = 0; u < 4; u++) {
    const rng = new Rng(300 + u);
    const utt = generatePhoneUtterance(rng, randomSpeaker(rng.fork('speaker')), params);
    const x = utt.samples;
    const power = (a: number, b: number): number => {
      let p = 0;
      for (let i = a; i < b; i++) p += x[i]! * x[i]!;
      return p / Math.max(1, b - a);
    };
    const mean = (labels: string[]): number => {
      const segs = utt.alignment.filter((s) => labels.includes(s.label));
      return segs.reduce((acc, s) => acc + power(s.start * 16, s.end * 16), 0) / Math.max(1, segs.length);
    };
    const vowels = mean(['a', 'e', 'i', 'o', 'u']);
    const sil = mean(['sil']);
    assert.ok(10 * Math.log10(vowels / sil) > 15, `utt ${u}: vowels only ${10 * Math.log10(vowels / sil)} dB over silence`);
    for (const seg of utt.alignment) {
      const a = seg.start * 16;
      const b = seg.end * 16;
      if (['p', 't', 'k'].includes(seg.label)) {
        // a stop is silent from the end of the cross-fade with the previous phone (<= 15 ms)
        // until its burst (at 45-60% of its length)
        const closure = power(a + 15 * 16, a + Math.floor(0.45 * (b - a)));
        assert.ok(10 * Math.log10(vowels / closure) > 15, `utt ${u}: ${seg.label} closure not quiet`);
      }
      if (['s', 'sh', 'f', 'a', 'o'].includes(seg.label)) {
        let crossings = 0;
        for (let i = a + 1; i < b; i++) if ((x[i]! >= 0) !== (x[i - 1]! >= 0)) crossings++;
        const zcr = (crossings / (b - a)) * 16000; // crossings per second ~ 2 x dominant frequency
        if (seg.label === 'a' || seg.label === 'o') assert.ok(zcr < 2000, `utt ${u}: vowel ${seg.label} zcr ${zcr}`);
        else assert.ok(zcr > 3000, `utt ${u}: fricative ${seg.label} zcr ${zcr}`);
      }
    }
  }
});

test('--hours sizes the corpus by audio time', () => {
  const dir = tmp();
  const s = synthesizePhoneCorpus({ seed: 1, hours: 4 / 3600, speakers: 2, out: dir });
  assert.ok(s.seconds >= 4 && s.seconds < 4 + 6, `${s.seconds} s`);
  assert.equal(readFileSync(join(dir, 'wav.scp'), 'utf8').trimEnd().split('\n').length, s.files);
});
