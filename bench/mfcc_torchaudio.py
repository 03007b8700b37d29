#!/usr/bin/python3
"""torchaudio.compliance.kaldi.mfcc timing for bench/mfcc.ts.

Usage: /usr/bin/python3 bench/mfcc_torchaudio.py <int16 raw file> <rate> <threads> <repetitions>
Prints JSON: {"times": [wall seconds per run], "cpu": [process CPU seconds per run], "frames": n, "torch": version, "torchaudio": version}.
Options match hibiki's defaults (Kaldi's: use_energy=True; dither 0; energy_floor 1).
"""
import json
import sys
import time

import numpy as np
import torch
import torchaudio
import torchaudio.compliance.kaldi as K

path, rate, threads, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
wave = torch.from_numpy(np.fromfile(path, dtype="<i2").astype(np.float32)).unsqueeze(0)
for _ in range(3):
    out = K.mfcc(wave, sample_frequency=float(rate), use_energy=True, dither=0.0)
times = []
cpu = []
for _ in range(reps):
    c = time.process_time()
    t = time.perf_counter()
    out = K.mfcc(wave, sample_frequency=float(rate), use_energy=True, dither=0.0)
    times.append(time.perf_counter() - t)
    cpu.append(time.process_time() - c)
print(json.dumps({"times": times, "cpu": cpu, "frames": int(out.shape[0]), "torch": torch.__version__, "torchaudio": torchaudio.__version__, "threads": torch.get_num_threads()}))
