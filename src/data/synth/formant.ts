/**
 * A small Klatt-style formant synthesiser: a Rosenberg glottal source (with aspiration noise)
 * through a cascade of resonators F1-F4 and a nasal pole/zero pair, plus a parallel frication
 * branch (noise through a band-pass) for fricatives and stop bursts. Parameters are tracks built
 * from keyframes and interpolated with raised cosines, so formants glide between neighbouring
 * phones (coarticulation) while amplitudes cross-fade over a few ms at each boundary.
 */
import type { Rng } from '../../util/rng.js';
import { AntiResonator, Resonator } from './noise.js';
import { NEUTRAL_FORMANTS, isSonorant, phoneSpec } from './phone-inventory.js';
import type { MsSegment } from './corrupt.js';

/** Voice of one synthetic speaker. */
export interface SpeakerVoice {
  /** Vocal-tract length factor: formants are multiplied by it (shorter tract = higher). */
  vtl: number;
  /** Mean f0, Hz. */
  f0: number;
  /** Open quotient of the glottal pulse (0.4-0.75). */
  openQuotient: number;
  /** Aspiration mixed into voicing (breathiness), linear. */
  breathiness: number;
  /** Speaking-rate factor (durations are divided by it). */
  rate: number;
  /** Per-vowel formant perturbations (multiplicative), keyed by label. */
  vowelShift: Record<string, [number, number, number]>;
}

interface Keyframe { t: number; v: number }

/**
 * Samples a track given by keyframes (sample index, value) with raised-cosine interpolation
 * between them and constant extension beyond the first and last.
 * @param step control period in samples: the result holds the values at 0, step, 2 step, ...
 * @returns `[ceil(n / step)]`
 */
export function trackFromKeyframes(keys: Keyframe[], n: number, step = 1): Float32Array {
  const out = new Float32Array(Math.ceil(n / step));
  const ks: Keyframe[] = [];
  for (const k of [...keys].sort((a, b) => a.t - b.t)) if (ks.length === 0 || k.t > ks[ks.length - 1]!.t) ks.push(k);
  if (ks.length === 0) return out;
  let j = 0;
  for (let o = 0; o < out.length; o++) {
    const i = o * step;
    while (j + 1 < ks.length && ks[j + 1]!.t <= i) j++;
    const a = ks[j]!;
    const b = ks[j + 1];
    if (i <= a.t || b === undefined) out[o] = a.v;
    else out[o] = a.v + (b.v - a.v) * (0.5 - 0.5 * Math.cos((Math.PI * (i - a.t)) / (b.t - a.t)));
  }
  return out;
}

type Param = 'f1' | 'f2' | 'f3' | 'b1' | 'b2' | 'b3' | 'nz' | 'av' | 'ah' | 'af' | 'fc' | 'bc';
const PARAMS: Param[] = ['f1', 'f2', 'f3', 'b1', 'b2', 'b3', 'nz', 'av', 'ah', 'af', 'fc', 'bc'];
const AMPLITUDES = new Set<Param>(['av', 'ah', 'af']);
const CONTROL = 4;
const NASAL_POLE = 270;

/**
 * Renders a phone sequence.
 * @param segments contiguous phones, integer ms, starting at 0
 * @param voice the speaker
 * @param f0Track f0 in Hz per sample `[n]`
 * @returns `[n]` samples (unnormalised), n = last end * fs / 1000
 */
export function renderPhones(segments: MsSegment[], voice: SpeakerVoice, f0Track: Float32Array, rng: Rng, fs: number): Float32Array {
  const toS = (ms: number): number => Math.round((ms * fs) / 1000);
  const n = toS(segments[segments.length - 1]!.end);
  const keys: Record<Param, Keyframe[]> = Object.fromEntries(PARAMS.map((p) => [p, []])) as unknown as Record<Param, Keyframe[]>;
  // half-width of the amplitude cross-fade at each boundary, ms (random: edges differ in
  // sharpness); gradual between two sonorants, abrupt next to obstruents and silence
  const ramps = segments.map((s, i) => {
    const next = segments[i + 1];
    if (next === undefined) return 0;
    const width = isSonorant(s.label) && isSonorant(next.label) ? rng.range(10, 30) : rng.range(3, 15);
    return Math.min(width, 0.3 * (s.end - s.start), 0.3 * (next.end - next.start));
  });
  segments.forEach((seg, i) => {
    const p = phoneSpec(seg.label);
    const d = seg.end - seg.start;
    const left = i > 0 ? ramps[i - 1]! : 0;
    const right = ramps[i]!;
    const shift = voice.vowelShift[seg.label] ?? [1, 1, 1];
    const steadyFrac = p.kind === 'vowel' ? 0.3 : p.kind === 'silence' ? 0.1 : 0.45;
    const fa = toS(seg.start + steadyFrac * d);
    const fb = toS(seg.end - steadyFrac * d);
    const sonorant = p.kind === 'vowel' || p.kind === 'nasal' || p.kind === 'liquid';
    // short vowels undershoot: they fall short of their target towards the neutral vowel
    const reach = p.kind === 'vowel' ? Math.min(1, 0.55 + d / 300) : 1;
    for (let k = 0; k < 3; k++) {
      const target = NEUTRAL_FORMANTS[k]! + reach * (p.formants[k]! - NEUTRAL_FORMANTS[k]!);
      const f = target * voice.vtl * shift[k]!;
      keys[(['f1', 'f2', 'f3'] as const)[k]!].push({ t: fa, v: f }, { t: fb, v: f });
      const b = p.bandwidths[k]!;
      keys[(['b1', 'b2', 'b3'] as const)[k]!].push({ t: fa, v: b }, { t: fb, v: b });
    }
    const aa = toS(seg.start + left);
    const ab = toS(seg.end - right);
    keys.nz.push({ t: aa, v: p.kind === 'nasal' ? 450 * voice.vtl : NASAL_POLE }, { t: ab, v: p.kind === 'nasal' ? 450 * voice.vtl : NASAL_POLE });
    keys.av.push({ t: aa, v: p.voicing }, { t: ab, v: p.voicing });
    const fc = p.fricCentre * Math.sqrt(voice.vtl);
    keys.fc.push({ t: aa, v: fc }, { t: ab, v: fc });
    keys.bc.push({ t: aa, v: p.fricBandwidth }, { t: ab, v: p.fricBandwidth });
    const breath = sonorant ? voice.breathiness : 0;
    if (p.kind === 'stop') {
      // closure (silent), then a 5-15 ms burst, then aspiration up to the next phone
      const closure = seg.start + rng.range(0.45, 0.6) * d;
      const burst = Math.min(rng.range(5, 15), 0.15 * d);
      const c = toS(closure);
      keys.af.push({ t: aa, v: 0 }, { t: c - 1, v: 0 }, { t: c + 1, v: p.frication }, { t: toS(closure + burst), v: 0.3 * p.frication }, { t: toS(closure + burst + 3), v: 0 }, { t: ab, v: 0 });
      keys.ah.push({ t: aa, v: 0 }, { t: toS(closure + burst / 2), v: 0 }, { t: toS(closure + burst), v: p.aspiration }, { t: ab, v: 0.7 * p.aspiration });
    } else {
      keys.af.push({ t: aa, v: p.frication }, { t: ab, v: p.frication });
      keys.ah.push({ t: aa, v: breath + p.aspiration }, { t: ab, v: breath + p.aspiration });
    }
  });
  // filter settings change every CONTROL samples (0.25 ms at 16 kHz); amplitudes every sample
  const tr = Object.fromEntries(PARAMS.map((p) => [p, trackFromKeyframes(keys[p], n, AMPLITUDES.has(p) ? 1 : CONTROL)])) as Record<Param, Float32Array>;

  const formant = [new Resonator(), new Resonator(), new Resonator(), new Resonator()];
  const nasalPole = new Resonator();
  const nasalZero = new AntiResonator();
  const fric1 = new Resonator();
  const fric2 = new Resonator();
  nasalPole.set(NASAL_POLE, 100, fs);
  formant[3]!.set(3300 * voice.vtl, 250, fs);
  const out = new Float32Array(n);
  const oq = voice.openQuotient;
  const tp = 0.66 * oq;
  const tn = 0.34 * oq;
  let phase = 0;
  let prevU = 0;
  let prevNoise = 0;
  let jitter = 1;
  for (let i = 0; i < n; i++) {
    if (i % CONTROL === 0) {
      const c = i / CONTROL;
      formant[0]!.set(tr.f1[c]!, tr.b1[c]!, fs);
      formant[1]!.set(tr.f2[c]!, tr.b2[c]!, fs);
      formant[2]!.set(tr.f3[c]!, tr.b3[c]!, fs);
      nasalZero.set(tr.nz[c]!, 100, fs);
      const fc = Math.min(tr.fc[c]!, 0.45 * fs);
      fric1.set(fc, tr.bc[c]!, fs);
      fric2.set(fc, tr.bc[c]!, fs);
    }
    // Rosenberg glottal flow; its derivative (radiation at the lips) excites the tract
    phase += (f0Track[i]! * jitter) / fs;
    if (phase >= 1) {
      phase -= 1;
      jitter = 1 + 0.01 * rng.normal();
    }
    const u = phase < tp ? 0.5 - 0.5 * Math.cos((Math.PI * phase) / tp) : phase < tp + tn ? Math.cos((Math.PI * (phase - tp)) / (2 * tn)) : 0;
    const glottal = (u - prevU) * 20;
    prevU = u;
    const noise = rng.normal();
    const white = noise - prevNoise;
    prevNoise = noise;
    let x = tr.av[i]! * glottal + tr.ah[i]! * 0.05 * white;
    x = nasalZero.step(nasalPole.step(x));
    for (const r of formant) x = r.step(x);
    const fric = fric2.step(fric1.step(white)) * tr.af[i]! * 0.2;
    out[i] = x + fric;
  }
  return out;
}
