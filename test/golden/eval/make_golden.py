#!/usr/bin/python3
"""Golden values for hibiki's frame metrics, computed independently with torch/numpy.

Regenerate (Debian python with torch 1.13, not the pyenv python3 on PATH):
    /usr/bin/python3 test/golden/eval/make_golden.py > test/golden/eval/frame-metrics.json

NLL uses torch.nn.functional.nll_loss on log posteriors; top-label ECE follows the reference
implementation of Guo et al. 2017 (bins (lo, hi] from torch.linspace(0, 1, M + 1)); Brier,
confusion and multi-label counts are plain numpy.
"""
import json

import numpy as np
import torch

rng = np.random.default_rng(20261130)


def softmax32(logits):
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    return (z / z.sum(axis=1, keepdims=True)).astype(np.float32)


def frame_case(n, k, sharp):
    targets = rng.integers(0, k, size=n)
    logits = rng.normal(size=(n, k)) * sharp
    logits[np.arange(n), targets] += 1.5
    post = softmax32(logits)
    mask = (rng.random(n) > 0.1).astype(np.uint8)
    keep = mask == 1
    p = torch.tensor(post[keep].astype(np.float64))
    y = torch.tensor(targets[keep])
    nll = torch.nn.functional.nll_loss(torch.log(p), y).item()
    onehot = torch.nn.functional.one_hot(y, k).double()
    brier = ((p - onehot) ** 2).sum(dim=1).mean().item()
    conf, pred = p.max(dim=1)
    acc = pred.eq(y)
    bounds = torch.linspace(0, 1, 16, dtype=torch.float64)
    ece = torch.zeros(1, dtype=torch.float64)
    counts = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        in_bin = conf.gt(lo.item()) * conf.le(hi.item())
        prop = in_bin.double().mean()
        counts.append(int(in_bin.sum().item()))
        if prop.item() > 0:
            ece += torch.abs(acc[in_bin].double().mean() - conf[in_bin].mean()) * prop
    conf_np = conf.numpy()
    acc_np = acc.numpy().astype(np.float64)
    order = np.argsort(conf_np, kind="stable")
    m, total = 10, len(conf_np)
    ece_mass = 0.0
    for b in range(m):
        idx = order[(b * total) // m:((b + 1) * total) // m]
        if len(idx):
            ece_mass += len(idx) / total * abs(acc_np[idx].mean() - conf_np[idx].mean())
    confusion = np.zeros((k, k), dtype=int)
    for t, q in zip(y.numpy(), pred.numpy()):
        confusion[t, q] += 1
    return {
        "numClasses": k,
        "posteriors": [float(v) for v in post.reshape(-1)],
        "targets": [int(v) for v in targets],
        "mask": [int(v) for v in mask],
        "expected": {
            "fer": float(1 - acc_np.mean()),
            "nll": nll,
            "brier": brier,
            "ece15": float(ece.item()),
            "binCounts15": counts,
            "eceEqualMass10": float(ece_mass),
            "confusion": confusion.tolist(),
        },
    }


def multilabel_case(n, c):
    targets = (rng.random((n, c)) < 0.3).astype(np.uint8)
    logits = rng.normal(size=(n, c)) * 1.5 + np.where(targets == 1, 1.2, -1.2)
    post = (1 / (1 + np.exp(-logits))).astype(np.float32)
    pred = post.astype(np.float64) >= 0.5
    tp = (pred & (targets == 1)).sum(axis=0)
    fp = (pred & (targets == 0)).sum(axis=0)
    fn = (~pred & (targets == 1)).sum(axis=0)
    p, r = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * p * r / (p + r)
    P, R = tp.sum() / (tp.sum() + fp.sum()), tp.sum() / (tp.sum() + fn.sum())
    return {
        "numClasses": c,
        "posteriors": [float(v) for v in post.reshape(-1)],
        "targets": [int(v) for v in targets.reshape(-1)],
        "expected": {
            "tp": tp.tolist(), "fp": fp.tolist(), "fn": fn.tolist(),
            "f1": f1.tolist(), "microF1": float(2 * P * R / (P + R)), "macroF1": float(f1.mean()),
        },
    }


print(json.dumps({"frame": frame_case(400, 6, 1.3), "multilabel": multilabel_case(300, 4)}))
