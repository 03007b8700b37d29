#!/usr/bin/python3
"""Golden fixtures for hibiki's Kaldi-compatible features.

Regenerate (from the repository root, with Debian's python that has torch 1.13 / torchaudio 0.13):
    /usr/bin/python3 test/golden/features/make_kaldi_golden.py

Writes test/golden/features/kaldi_golden.json:
  signals: per sample rate, a deterministic int16 test signal (seeded noise + tones + a chirp +
           30 ms of digital silence), stored as base64 little-endian int16.
  cases:   torchaudio.compliance.kaldi.{mfcc,fbank,spectrogram} outputs on waveform*32768-scaled
           input (Kaldi's int16 scale) for several option sets, with the hibiki config used.
  deltas / cmvn / splice: references computed with torchaudio.functional.compute_deltas and
           Kaldi's formulas (numpy) on one of the MFCC outputs.
"""
import base64
import json
import math
import os

import numpy as np
import torch
import torchaudio
import torchaudio.compliance.kaldi as K

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kaldi_golden.json")
RATES = [8000, 16000, 22050, 44100]
DURATION = 0.25


def make_signal(rate, seed):
    rng = np.random.default_rng(seed)
    n = int(rate * DURATION)
    t = np.arange(n) / rate
    x = rng.normal(0.0, 600.0, n)
    x += 3000.0 * np.sin(2 * math.pi * 440.0 * t)
    x += 1500.0 * np.sin(2 * math.pi * 1234.5 * t + 0.3)
    x += 1000.0 * np.sin(2 * math.pi * (200.0 * t + 0.5 * 0.9 * rate / 2 / DURATION * t * t))
    x += 700.0  # a DC offset, which remove_dc_offset must take out
    s = 10 * int(rate * 0.01)  # silence starts on a frame boundary (see docs/features.md, "Golden tests")
    x[s : s + int(0.03 * rate)] = 0.0
    return np.clip(np.round(x), -32768, 32767).astype("<i2")


# (name, function, torchaudio kwargs, hibiki config)
CASES = [
    ("mfcc-default", "mfcc", dict(use_energy=True), dict(kind="mfcc")),
    ("fbank-default", "fbank", dict(), dict(kind="fbank")),
    (
        "mfcc-nosnip-hamming",
        "mfcc",
        dict(snip_edges=False, window_type="hamming", use_energy=False, num_ceps=20, num_mel_bins=30, cepstral_lifter=0.0, high_freq=-400.0),
        dict(kind="mfcc", snipEdges=False, windowType="hamming", useEnergy=False, numCeps=20, numMelBins=30, cepstralLifter=0, highFreq=-400),
    ),
    (
        "fbank-magnitude-nopow2",
        "fbank",
        dict(snip_edges=False, window_type="hanning", use_power=False, round_to_power_of_two=False, preemphasis_coefficient=0.0, use_energy=True, raw_energy=False, num_mel_bins=40, low_freq=64.0, high_freq=3800.0),
        dict(kind="fbank", snipEdges=False, windowType="hanning", usePower=False, roundToPowerOfTwo=False, preemphasisCoefficient=0, useEnergy=True, rawEnergy=False, numMelBins=40, lowFreq=64, highFreq=3800),
    ),
    (
        "mfcc-blackman-htk",
        "mfcc",
        dict(window_type="blackman", blackman_coeff=0.4, remove_dc_offset=False, htk_compat=True, use_energy=False, energy_floor=0.0, low_freq=0.0),
        dict(kind="mfcc", windowType="blackman", blackmanCoeff=0.4, removeDcOffset=False, htkCompat=True, useEnergy=False, energyFloor=0, lowFreq=0),
    ),
    (
        "mfcc-rect-htk-energy",
        "mfcc",
        dict(window_type="rectangular", htk_compat=True, use_energy=True, frame_length=20.0, frame_shift=5.0, num_ceps=10, cepstral_lifter=30.0, energy_floor=0.0),
        dict(kind="mfcc", windowType="rectangular", htkCompat=True, useEnergy=True, frameLengthMs=20, frameShiftMs=5, numCeps=10, cepstralLifter=30, energyFloor=0),
    ),
    (
        "fbank-htk-energy-raw-off",
        "fbank",
        dict(htk_compat=True, use_energy=True, raw_energy=False, frame_length=30.0, frame_shift=15.0, num_mel_bins=24, preemphasis_coefficient=0.5),
        dict(kind="fbank", htkCompat=True, useEnergy=True, rawEnergy=False, frameLengthMs=30, frameShiftMs=15, numMelBins=24, preemphasisCoefficient=0.5),
    ),
    (
        "mfcc-nopow2-nosnip",
        "mfcc",
        dict(round_to_power_of_two=False, snip_edges=False, use_energy=True, raw_energy=False, frame_length=40.0),
        dict(kind="mfcc", roundToPowerOfTwo=False, snipEdges=False, useEnergy=True, rawEnergy=False, frameLengthMs=40),
    ),
    ("spectrogram-default", "spectrogram", dict(), dict(kind="spectrogram")),
]


def run_case(fn, kwargs, wave, rate):
    w = torch.from_numpy(wave.astype(np.float32)).unsqueeze(0)  # int16 scale, as Kaldi reads it
    f = getattr(K, fn)
    return f(w, sample_frequency=float(rate), dither=0.0, **kwargs).numpy()


def kaldi_deltas_numpy(x, order=2, window=2):
    """Kaldi's DeltaFeatures, written from feature-functions.cc's description."""
    scales = [np.array([1.0])]
    norm = sum(j * j for j in range(-window, window + 1))
    for i in range(1, order + 1):
        prev = scales[-1]
        po = (len(prev) - 1) // 2
        cur = np.zeros(len(prev) + 2 * window)
        co = po + window
        for j in range(-window, window + 1):
            for k in range(-po, po + 1):
                cur[j + k + co] += j * prev[k + po]
        scales.append(cur / norm)
    T = x.shape[0]
    out = []
    for s in scales:
        off = (len(s) - 1) // 2
        acc = np.zeros_like(x, dtype=np.float64)
        for j in range(-off, off + 1):
            idx = np.clip(np.arange(T) + j, 0, T - 1)
            acc += s[j + off] * x[idx]
        out.append(acc)
    return np.concatenate(out, axis=1)


def torchaudio_deltas_as_kaldi(x, order=2, window=2):
    """compute_deltas applied as Kaldi does: edge frames of the INPUT repeated, then deltas of deltas."""
    pad = order * window
    t = torch.from_numpy(x.astype(np.float64)).T.unsqueeze(0)  # (1, dim, frames)
    padded = torch.nn.functional.pad(t, (pad, pad), mode="replicate")
    outs = [t]
    cur = padded
    for _ in range(order):
        cur = torchaudio.functional.compute_deltas(cur, win_length=2 * window + 1, mode="replicate")
        outs.append(cur[:, :, pad : pad + x.shape[0]])
    return torch.cat(outs, dim=1)[0].T.numpy()


def splice_numpy(x, context):
    T = x.shape[0]
    cols = [x[np.clip(np.arange(T) + j, 0, T - 1)] for j in range(-context, context + 1)]
    return np.concatenate(cols, axis=1)


def cmvn_numpy(x, stats_frames, norm_vars):
    mean = stats_frames.mean(axis=0)
    y = x - mean
    if norm_vars:
        var = np.maximum((stats_frames.astype(np.float64) ** 2).mean(axis=0) - mean.astype(np.float64) ** 2, 1e-20)
        y = y / np.sqrt(var)
    return y


def rounded(a, digits=5):
    return [round(float(v), digits) for v in np.asarray(a, dtype=np.float64).ravel()]


def main():
    signals = {}
    waves = {}
    for i, rate in enumerate(RATES):
        wave = make_signal(rate, 1234 + i)
        waves[rate] = wave
        signals[str(rate)] = base64.b64encode(wave.tobytes()).decode("ascii")
    cases = []
    for name, fn, kwargs, config in CASES:
        for rate in RATES:
            if fn == "spectrogram" and rate > 16000:
                continue  # 513/1025 bins would bloat the fixture; the 8 and 16 kHz cases cover the code path
            length = int(rate * kwargs.get("frame_length", 25.0) * 0.001)
            if not kwargs.get("round_to_power_of_two", True) and length % 2 == 1:
                print(f"skip {name} at {rate} Hz: odd FFT size {length} is invalid in Kaldi")
                continue
            out = run_case(fn, kwargs, waves[rate], rate)
            cases.append({"name": name, "rate": rate, "config": config, "frames": int(out.shape[0]), "dim": int(out.shape[1]), "values": rounded(out)})
            print(f"{name} @ {rate}: {out.shape}")

    base = run_case("mfcc", dict(use_energy=True), waves[16000], 16000).astype(np.float64)
    d_kaldi = kaldi_deltas_numpy(base)
    d_torch = torchaudio_deltas_as_kaldi(base)
    delta_agreement = float(np.abs(d_kaldi - d_torch).max())
    assert delta_agreement < 1e-6, delta_agreement
    # torchaudio's plain compute_deltas (replicate padding of each order's input) differs only at edges.
    t = torch.from_numpy(base).T.unsqueeze(0)
    d1 = torchaudio.functional.compute_deltas(t)
    d2 = torchaudio.functional.compute_deltas(d1)
    naive = torch.cat([t, d1, d2], dim=1)[0].T.numpy()
    naive_interior = float(np.abs(naive[4:-4] - d_kaldi[4:-4]).max())
    naive_edges = float(np.abs(naive - d_kaldi).max())

    u_a1 = base
    u_a2 = run_case("mfcc", dict(use_energy=True), waves[8000], 8000).astype(np.float64)
    u_b = run_case("mfcc", dict(use_energy=True), waves[22050], 22050).astype(np.float64)
    spk_a = np.concatenate([u_a1, u_a2])
    everything = np.concatenate([u_a1, u_a2, u_b])
    golden = {
        "generator": "test/golden/features/make_kaldi_golden.py",
        "torch": torch.__version__,
        "torchaudio": torchaudio.__version__,
        "signals": signals,
        "cases": cases,
        "deltas": {
            "input": {"frames": base.shape[0], "dim": base.shape[1], "values": rounded(base)},
            "order2window2": rounded(d_torch),
            "agreementKaldiFormulaVsTorchaudio": delta_agreement,
            "plainComputeDeltasInteriorDiff": naive_interior,
            "plainComputeDeltasEdgeDiff": naive_edges,
        },
        "cmvn": {
            "utterances": {
                "a1": {"frames": u_a1.shape[0], "values": rounded(u_a1)},
                "a2": {"frames": u_a2.shape[0], "values": rounded(u_a2)},
                "b": {"frames": u_b.shape[0], "values": rounded(u_b)},
            },
            "utt2spk": {"a1": "A", "a2": "A", "b": "B"},
            "perUtteranceMean": {"a1": rounded(cmvn_numpy(u_a1, u_a1, False))},
            "perUtteranceMeanVar": {"a1": rounded(cmvn_numpy(u_a1, u_a1, True))},
            "perSpeakerMeanVar": {"a2": rounded(cmvn_numpy(u_a2, spk_a, True)), "b": rounded(cmvn_numpy(u_b, u_b, True))},
            "globalMeanVar": {"a2": rounded(cmvn_numpy(u_a2, everything, True))},
        },
        "splice": {"context": 2, "a2": rounded(splice_numpy(u_a2, 2))},
    }
    with open(OUT, "w") as f:
        json.dump(golden, f, separators=(",", ":"))
        f.write("\n")
    print("deltas: kaldi formula vs torchaudio-as-kaldi", delta_agreement, "plain compute_deltas interior", naive_interior, "edges", naive_edges)
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
