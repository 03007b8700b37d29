#!/usr/bin/env python3
"""Golden fixtures for hibiki's CTC loss: torch.nn.functional.ctc_loss on log_softmax(logits).

Regenerate (needs Debian's python3-torch):
    /usr/bin/python3 test/golden/ctc/make_golden.py

Writes test/golden/ctc/ctc.json: a list of cases, each with float32 logits in torch's [T, B, C]
layout (flattened row-major), per-item labels and input lengths, blank, reduction, zero_infinity,
and torch's loss (scalar or per item) and gradient d loss / d logits ([T, B, C], flattened).
torch computes in float64 from the float32 logits, so the fixtures are exact references; hibiki's
float32 outputs are compared with max abs diff <= 1e-4. A non-finite number is written as the
string "inf" / "nan".
"""
import json
import math
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
g = torch.Generator().manual_seed(20261130)


def num(x, digits):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return float(f"{x:.{digits}g}")


def make_case(name, T, B, C, input_lengths, labels, blank=0, reduction="mean", zero_infinity=False, scale=1.0):
    logits32 = (torch.randn(T, B, C, generator=g) * scale).float()
    return make_case_with(name, logits32, input_lengths, labels, blank, reduction, zero_infinity)


def make_case_with(name, logits32, input_lengths, labels, blank, reduction, zero_infinity=False):
    T, B, C = logits32.shape
    x = logits32.double().requires_grad_(True)
    lp = torch.log_softmax(x, dim=-1)
    flat = torch.tensor([l for lab in labels for l in lab], dtype=torch.long)
    loss = torch.nn.functional.ctc_loss(
        lp, flat, torch.tensor(input_lengths), torch.tensor([len(l) for l in labels]),
        blank=blank, reduction=reduction, zero_infinity=zero_infinity)
    (loss.sum() if reduction == "none" else loss).backward()
    return {
        "name": name, "T": T, "B": B, "C": C, "blank": blank, "reduction": reduction,
        "zeroInfinity": zero_infinity, "inputLengths": list(input_lengths), "labels": [list(l) for l in labels],
        "logits": [num(v, 9) for v in logits32.flatten().tolist()],
        "loss": [num(v, 12) for v in loss.flatten().tolist()] if reduction == "none" else num(loss.item(), 12),
        "grad": [num(v, 8) for v in x.grad.flatten().tolist()],
    }


def rand_labels(n, C, blank):
    out = []
    while len(out) < n:
        k = int(torch.randint(0, C, (1,), generator=g))
        if k != blank:
            out.append(k)
    return out


cases = []
for red in ["none", "mean", "sum"]:
    B, T, C = 4, 20, 6
    lens = [20, 17, 12, 9]
    labs = [rand_labels(n, C, 0) for n in [6, 5, 3, 1]]
    cases.append(make_case(f"random-{red}", T, B, C, lens, labs, reduction=red))
# minimal T: exactly label length + number of adjacent repeats
cases.append(make_case("minimal-T", 7, 3, 5, [3, 7, 5], [[1, 2, 3], [1, 1, 2, 2], [4, 4, 4]], reduction="none"))
cases.append(make_case("repeats", 16, 2, 4, [16, 14], [[1, 1, 1, 2, 2], [3, 3, 1, 1, 3, 3]], reduction="mean"))
cases.append(make_case("empty-label", 8, 3, 5, [8, 5, 1], [[], [2], []], reduction="none"))
cases.append(make_case("empty-label-mean", 8, 2, 5, [8, 6], [[], [3, 1]], reduction="mean"))
cases.append(make_case("long", 300, 1, 8, [300], [rand_labels(50, 8, 0)], reduction="none", scale=3.0))
cases.append(make_case("blank-last", 12, 3, 6, [12, 10, 12], [rand_labels(4, 6, 5), rand_labels(3, 6, 5), [1, 1, 0]], blank=5, reduction="mean"))
cases.append(make_case("blank-middle", 10, 2, 5, [10, 9], [[0, 1, 3, 4], [4, 4, 0]], blank=2, reduction="sum"))
cases.append(make_case("impossible", 6, 3, 4, [6, 2, 4], [[1, 2], [1, 2, 3], [1, 1, 1]], reduction="none"))
cases.append(make_case("impossible-zero-inf", 6, 3, 4, [6, 2, 4], [[1, 2], [1, 2, 3], [1, 1, 1]], reduction="none", zero_infinity=True))
cases.append(make_case("impossible-zero-inf-mean", 6, 3, 4, [6, 2, 4], [[1, 2], [1, 2, 3], [1, 1, 1]], reduction="mean", zero_infinity=True))
# Large logits (scale 100): path probabilities far below float64's range, exercises the log-space path.
cases.append(make_case("extreme", 30, 2, 5, [30, 24], [[1, 2, 1, 3], [4, 4, 2, 1, 1, 3]], reduction="none", scale=100.0))
cases.append(make_case("impossible-mean", 6, 3, 4, [6, 2, 4], [[1, 2], [1, 2, 3], [1, 1, 1]], reduction="mean"))


def peaky_logits(T, labels, blank, C, margin):
    """Logits that put `margin` nats on one valid alignment per item: small loss, vanishing
    alphas off the path (relative values below float64's range)."""
    B = len(labels)
    logits = torch.randn(T, B, C, generator=g)
    for b, lab in enumerate(labels):
        path, prev = [], None
        for k in lab:
            if k == prev:
                path.append(blank)
            path.append(k)
            prev = k
        slots = sorted(torch.randperm(T, generator=g)[: len(path)].tolist())
        align = [blank] * T
        for i, t in enumerate(slots):
            align[t] = path[i]
        for t in range(T):
            logits[t, b, align[t]] += margin
    return logits


peaky_labels = [[1, 2, 2, 3, 1, 4, 4, 4, 2], [3, 1, 2, 4, 4, 1, 3, 2, 1, 1, 2]]
cases.append(make_case_with("peaky", peaky_logits(200, peaky_labels, 0, 5, 100.0).float(), [200, 200], peaky_labels, 0, "none"))
cases.append(make_case("batch16", 40, 16, 8, [40 - i for i in range(16)], [rand_labels(2 + i // 2, 8, 0) for i in range(16)], reduction="mean"))

with open(os.path.join(HERE, "ctc.json"), "w") as f:
    json.dump(cases, f, separators=(",", ":"))
    f.write("\n")
for c in cases:
    print(c["name"], c["loss"] if c["reduction"] != "none" else c["loss"][:4])
