#!/usr/bin/python3
# Golden values for hibiki's optimisers (src/train/optimizers.ts) from torch.optim.
# Regenerate with:  /usr/bin/python3 test/golden/optim/make_optim.py > test/golden/optim/optim.json
# (Debian's python3-torch 1.13; the pyenv python3 first on PATH has no torch.)
# Two float32 parameters (a [3,2] "kernel" and a [2] "bias") receive a fixed sequence of
# gradients with a learning rate that changes every step; the parameters after every step are
# recorded for each optimiser setting.
import json
import torch

torch.manual_seed(0)
w0 = torch.randn(3, 2)
b0 = torch.randn(2)
steps = 6
grads = [(torch.randn(3, 2), torch.randn(2)) for _ in range(steps)]
lrs = [0.1, 0.05, 0.02, 0.07, 0.01, 0.03]

cases = {
    "adam": lambda p: torch.optim.Adam(p, lr=lrs[0]),
    "adam_l2": lambda p: torch.optim.Adam(p, lr=lrs[0], weight_decay=0.1, betas=(0.8, 0.99), eps=1e-6),
    "adamw": lambda p: torch.optim.AdamW(p, lr=lrs[0], weight_decay=0.1),
    "sgd": lambda p: torch.optim.SGD(p, lr=lrs[0]),
    "sgd_momentum": lambda p: torch.optim.SGD(p, lr=lrs[0], momentum=0.9, weight_decay=0.01),
    "sgd_nesterov": lambda p: torch.optim.SGD(p, lr=lrs[0], momentum=0.9, nesterov=True),
}
settings = {
    "adam": {"type": "adam"},
    "adam_l2": {"type": "adam", "weightDecay": 0.1, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6},
    "adamw": {"type": "adamw", "weightDecay": 0.1},
    "sgd": {"type": "sgd"},
    "sgd_momentum": {"type": "sgd", "momentum": 0.9, "weightDecay": 0.01},
    "sgd_nesterov": {"type": "sgd", "momentum": 0.9, "nesterov": True},
}

out = {
    "torch": torch.__version__,
    "w0": w0.flatten().tolist(),
    "b0": b0.tolist(),
    "grads": [[g[0].flatten().tolist(), g[1].tolist()] for g in grads],
    "lrs": lrs,
    "cases": {},
}
for name, make in cases.items():
    w = w0.clone().requires_grad_(True)
    b = b0.clone().requires_grad_(True)
    opt = make([w, b])
    trace = []
    for t in range(steps):
        for group in opt.param_groups:
            group["lr"] = lrs[t]
        opt.zero_grad()
        w.grad = grads[t][0].clone()
        b.grad = grads[t][1].clone()
        opt.step()
        trace.append([w.detach().flatten().tolist(), b.detach().tolist()])
    out["cases"][name] = {"config": settings[name], "trace": trace}

print(json.dumps(out))
