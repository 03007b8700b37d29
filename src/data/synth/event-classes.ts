/**
 * The sound-event classes of the synthetic event corpus. Each class has a distinct
 * spectro-temporal shape (steady tone, rising and falling sweeps, harmonic stack, band noise,
 * impulse train, amplitude and frequency modulation, decaying inharmonic partials, low thuds) and
 * draws its parameters from class-specific ranges, so that examples vary within a class but the
 * classes stay learnable from log-mel or MFCC frames.
 */
import type { Rng } from '../../util/rng.js';
import { bandNoise, normaliseRms, Resonator } from './noise.js';

/** One event class: its label, duration range (seconds) and sample generator. */
export interface EventClass {
  label: string;
  /** Short description for the docs. */
  description: string;
  minDuration: number;
  maxDuration: number;
  /**
   * Generates the raw event (before the attack/decay envelope).
   * @returns `[n]` samples with unit RMS
   */
  render(rng: Rng, n: number, fs: number): Float32Array;
}

const TWO_PI = 2 * Math.PI;

function logUniform(rng: Rng, lo: number, hi: number): number {
  return Math.exp(rng.range(Math.log(lo), Math.log(hi)));
}

/** Sine with a per-sample frequency track (Hz). */
function sweep(n: number, fs: number, freqAt: (i: number) => number, phase0: number): Float32Array {
  const out = new Float32Array(n);
  let ph = phase0;
  for (let i = 0; i < n; i++) {
    out[i] = Math.sin(ph);
    ph += (TWO_PI * freqAt(i)) / fs;
  }
  return out;
}

function exponentialSweep(rng: Rng, n: number, fs: number, f0: number, f1: number): Float32Array {
  const ratio = Math.log(f1 / f0);
  return normaliseRms(sweep(n, fs, (i) => f0 * Math.exp((ratio * i) / n), rng.range(0, TWO_PI)), 1);
}

/** The event classes, in label order. */
export const EVENT_CLASSES: readonly EventClass[] = [
  {
    label: 'bell',
    description: 'three inharmonic partials (ratios 1, 2.76, 5.40) at 700-1200 Hz, struck: exponential decay (0.15-0.4 s), higher partials faster',
    minDuration: 0.4, maxDuration: 1.5,
    render(rng, n, fs) {
      const f = logUniform(rng, 700, 1200);
      const tau = rng.range(0.15, 0.4) * fs;
      const parts = [[1, 1, 1], [2.76, 0.6, 0.7], [5.4, 0.35, 0.45]] as const;
      const out = new Float32Array(n);
      for (const [ratio, amp, decay] of parts) {
        const ph = rng.range(0, TWO_PI);
        const w = (TWO_PI * f * ratio) / fs;
        for (let i = 0; i < n; i++) out[i]! += amp * Math.exp(-i / (tau * decay)) * Math.sin(ph + w * i);
      }
      return normaliseRms(out, 1);
    },
  },
  {
    label: 'beep',
    description: 'steady pure tone, 400-800 Hz',
    minDuration: 0.2, maxDuration: 1.2,
    render(rng, n, fs) {
      const f = logUniform(rng, 400, 800);
      return normaliseRms(sweep(n, fs, () => f, rng.range(0, TWO_PI)), 1);
    },
  },
  {
    label: 'chirp_down',
    description: 'exponential sweep down from 2.5-4.5 kHz to 300-600 Hz over the event',
    minDuration: 0.3, maxDuration: 1.0,
    render(rng, n, fs) {
      return exponentialSweep(rng, n, fs, logUniform(rng, 2500, 4500), logUniform(rng, 300, 600));
    },
  },
  {
    label: 'chirp_up',
    description: 'exponential sweep up from 300-600 Hz to 2.5-4.5 kHz over the event',
    minDuration: 0.3, maxDuration: 1.0,
    render(rng, n, fs) {
      return exponentialSweep(rng, n, fs, logUniform(rng, 300, 600), logUniform(rng, 2500, 4500));
    },
  },
  {
    label: 'click_train',
    description: 'clicks at 6-20 per second, each a 2-4 kHz ringing impulse of a few ms',
    minDuration: 0.5, maxDuration: 2.0,
    render(rng, n, fs) {
      const rate = rng.range(6, 20);
      const ring = logUniform(rng, 2000, 4000);
      const res = new Resonator();
      res.set(ring, 400, fs);
      const out = new Float32Array(n);
      let next = Math.floor(rng.range(0, fs / rate));
      let prev = 0;
      for (let i = 0; i < n; i++) {
        let x = 0;
        if (i === next) {
          x = 1;
          next += Math.max(1, Math.round((fs / rate) * rng.range(0.85, 1.15)));
        }
        out[i] = res.step(x - prev);
        prev = x;
      }
      return normaliseRms(out, 1);
    },
  },
  {
    label: 'harmonic',
    description: 'harmonic stack (buzzer/voice-like), f0 110-220 Hz with slight vibrato, harmonics to 3.8 kHz at 1/k amplitude',
    minDuration: 0.5, maxDuration: 2.0,
    render(rng, n, fs) {
      const f0 = logUniform(rng, 110, 220);
      const vib = rng.range(4, 6);
      const phases = Array.from({ length: Math.floor(3800 / f0) }, () => rng.range(0, TWO_PI));
      const out = new Float32Array(n);
      let ph = 0;
      for (let i = 0; i < n; i++) {
        ph += (TWO_PI * f0 * (1 + 0.01 * Math.sin((TWO_PI * vib * i) / fs))) / fs;
        let v = 0;
        for (let k = 1; k <= phases.length; k++) v += Math.sin(k * ph + phases[k - 1]!) / k;
        out[i] = v;
      }
      return normaliseRms(out, 1);
    },
  },
  {
    label: 'knock',
    description: '2-5 low thuds (damped 120-250 Hz sinusoids with a broadband noise transient), evenly spread',
    minDuration: 0.3, maxDuration: 1.2,
    render(rng, n, fs) {
      const count = 2 + rng.int(4);
      const f = logUniform(rng, 120, 250);
      const tau = rng.range(0.02, 0.05) * fs;
      const out = new Float32Array(n);
      const spacing = n / count;
      for (let k = 0; k < count; k++) {
        const at = Math.floor(k * spacing + rng.range(0, 0.15) * spacing);
        const amp = rng.range(0.6, 1);
        for (let i = at; i < n; i++) {
          const t = i - at;
          const env = Math.exp(-t / tau);
          if (env < 1e-4) break;
          out[i]! += amp * env * (Math.sin((TWO_PI * f * t) / fs) + 0.8 * Math.exp(-t / (0.15 * tau)) * rng.normal());
        }
      }
      return normaliseRms(out, 1);
    },
  },
  {
    label: 'modulated',
    description: 'amplitude-modulated tone, carrier 1.5-2.5 kHz, modulation 5-12 Hz, depth 0.9',
    minDuration: 0.5, maxDuration: 2.0,
    render(rng, n, fs) {
      const fc = logUniform(rng, 1500, 2500);
      const fm = rng.range(5, 12);
      const ph = rng.range(0, TWO_PI);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = (1 - 0.45 * (1 + Math.cos((TWO_PI * fm * i) / fs))) * Math.sin(ph + (TWO_PI * fc * i) / fs);
      return normaliseRms(out, 1);
    },
  },
  {
    label: 'noise_burst',
    description: 'band-limited noise, centre 3.5-6 kHz, bandwidth 0.8-2 kHz (hiss, steam)',
    minDuration: 0.15, maxDuration: 0.8,
    render(rng, n, fs) {
      return bandNoise(rng, n, logUniform(rng, 3500, 6000), rng.range(800, 2000), fs);
    },
  },
  {
    label: 'warble',
    description: 'frequency-modulated tone (siren-like), carrier 1.0-1.6 kHz, rate 3-7 Hz, deviation 80-250 Hz',
    minDuration: 0.5, maxDuration: 2.0,
    render(rng, n, fs) {
      const fc = logUniform(rng, 1000, 1600);
      const rate = rng.range(3, 7);
      const dev = rng.range(80, 250);
      const ph = rng.range(0, TWO_PI);
      return normaliseRms(sweep(n, fs, (i) => fc + dev * Math.sin(ph + (TWO_PI * rate * i) / fs), rng.range(0, TWO_PI)), 1);
    },
  },
];

/** The event labels, sorted. */
export const EVENT_LABELS: readonly string[] = EVENT_CLASSES.map((c) => c.label).sort();
