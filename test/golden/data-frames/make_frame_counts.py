# Golden frame counts for hibiki's frame geometry (src/data/targets/geometry.ts), from torchaudio's
# Kaldi-compatible fbank (torchaudio.compliance.kaldi), for snip-edges true and false; signals
# shorter than one window are left out (torchaudio refuses them).
# Regenerate with:  /usr/bin/python3 test/golden/data-frames/make_frame_counts.py > test/golden/data-frames/frame-counts.json
import json
import sys
import torch
import torchaudio

cases = []
torch.manual_seed(0)
for sample_rate in (8000, 16000, 22050):
    for length_ms, shift_ms in ((25.0, 10.0), (20.0, 5.0), (32.0, 12.0)):
        for n in (0, 1, 150, 199, 200, 399, 400, 401, 559, 560, 561, 1599, 1600, 1680, 4321, 16000):
            for snip in (True, False):
                wave = torch.randn(1, n) if n > 0 else torch.zeros(1, 0)
                try:
                    frames = torchaudio.compliance.kaldi.fbank(
                        wave, sample_frequency=sample_rate, frame_length=length_ms, frame_shift=shift_ms,
                        snip_edges=snip, num_mel_bins=5, low_freq=0.0, high_freq=0.0, dither=0.0,
                    ).shape[0]
                except (RuntimeError, AssertionError):
                    # torchaudio refuses signals shorter than one window in both modes (Kaldi does
                    # not with snip-edges=false); those cases are left out, the unit tests cover them
                    continue
                cases.append({"numSamples": n, "sampleRate": sample_rate, "lengthMs": length_ms, "shiftMs": shift_ms,
                              "snipEdges": snip, "frames": int(frames)})
print('{"source": "torchaudio %s compliance.kaldi.fbank", "cases": [' % torchaudio.__version__)
print(",\n".join(json.dumps(c) for c in cases))
print("]}")
