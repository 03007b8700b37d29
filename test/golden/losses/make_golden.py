#!/usr/bin/python3
# Golden values for hibiki's label-smoothing losses (src/nn/losses).
# Regenerate with:  /usr/bin/python3 test/golden/losses/make_golden.py
# (Debian python3-torch 1.13; writes test/golden/losses/golden.json)
#
# References, all in float64 with autograd for the gradients:
# - uniform (spread all): torch.nn.CrossEntropyLoss(label_smoothing=eps, ignore_index=-100),
#   padded frames carry the ignore index and get garbage logits;
# - uniform (spread others), unigram, boundary: torch.nn.CrossEntropyLoss with probability targets
#   built from the formulas of DESIGN.md, mean over the real frames;
# - confidence penalty: CE(q, p) - beta * H(p), written out with torch ops;
# - binary: torch.nn.BCEWithLogitsLoss on y*(1-eps)+eps/2 over the real frames.
import json
import os

import torch

torch.manual_seed(1234)
IGNORE = -100


def rand_case(n, k, pad):
    logits = torch.randn(n, k, dtype=torch.float64) * 2.0
    targets = torch.randint(0, k, (n,))
    mask = torch.ones(n, dtype=torch.float64)
    if pad > 0:
        mask[-pad:] = 0.0
        logits[-pad:] = torch.randn(pad, k, dtype=torch.float64) * 50.0  # garbage
        targets[-pad:] = IGNORE
    return logits, targets, mask


def masked_ce_soft(logits, q, mask, beta=0.0):
    logp = torch.log_softmax(logits, dim=1)
    per = -(q * logp).sum(1)
    if beta > 0:
        h = -(logp.exp() * logp).sum(1)
        per = per - beta * h
    real = mask > 0
    return per[real].mean()


def one_hot(targets, k, mask):
    t = targets.clone()
    t[mask == 0] = 0
    return torch.nn.functional.one_hot(t, k).double()


def record(name, cfg, logits, targets, mask, loss_fn, extras=None, prior=None):
    x = logits.clone().requires_grad_(True)
    loss = loss_fn(x)
    loss.backward()
    case = {
        'name': name,
        'config': cfg,
        'logits': x.detach().tolist(),
        'targets': targets.tolist() if targets.dim() == 1 else targets.tolist(),
        'mask': mask.tolist(),
        'loss': loss.item(),
        'grad': x.grad.tolist(),
    }
    if extras:
        case.update(extras)
    if prior is not None:
        case['prior'] = prior.tolist()
    return case


cases = []
# 1. torch's own label smoothing (eps/K to every class), with ignore_index as the mask.
for eps, n, k, pad in [(0.0, 12, 5, 0), (0.1, 12, 5, 3), (0.2, 20, 8, 4), (0.05, 7, 40, 2)]:
    logits, targets, mask = rand_case(n, k, pad)
    crit = torch.nn.CrossEntropyLoss(label_smoothing=eps, ignore_index=IGNORE, reduction='mean')
    cases.append(record(f'torch-ls-eps{eps}-k{k}', {'smoothing': 'uniform' if eps > 0 else 'none', 'epsilon': eps},
                        logits, targets, mask, lambda x, t=targets, c=crit: c(x, t)))

# 2. spread others: eps/(K-1) on the wrong classes.
logits, targets, mask = rand_case(10, 6, 2)
oh = one_hot(targets, 6, mask)
q = oh * (1 - 0.1) + (1 - oh) * 0.1 / 5
cases.append(record('uniform-others', {'smoothing': 'uniform', 'epsilon': 0.1, 'spread': 'others'},
                    logits, targets, mask, lambda x: masked_ce_soft(x, q, mask)))

# 3. unigram prior (given as counts; normalised by the loss).
logits, targets, mask = rand_case(10, 6, 2)
counts = torch.tensor([10.0, 1.0, 3.0, 6.0, 2.0, 8.0], dtype=torch.float64)
u = counts / counts.sum()
oh = one_hot(targets, 6, mask)
q = oh * (1 - 0.15) + 0.15 * u
cases.append(record('unigram', {'smoothing': 'unigram', 'epsilon': 0.15}, logits, targets, mask,
                    lambda x: masked_ce_soft(x, q, mask), prior=counts))

# 4. confidence penalty alone and composed with unigram.
logits, targets, mask = rand_case(10, 6, 2)
oh = one_hot(targets, 6, mask)
cases.append(record('confidence-penalty', {'smoothing': 'none', 'confidencePenalty': 0.3}, logits, targets, mask,
                    lambda x: masked_ce_soft(x, oh, mask, beta=0.3)))
q = oh * (1 - 0.1) + 0.1 * u
cases.append(record('unigram+confidence-penalty', {'smoothing': 'unigram', 'epsilon': 0.1, 'confidencePenalty': 0.2},
                    logits, targets, mask, lambda x: masked_ce_soft(x, q, mask, beta=0.2), prior=counts))

# 5. boundary: eps_t = eps * max(0, 1 - d/width), mass to the neighbour label or to the prior.
logits, targets, mask = rand_case(12, 5, 2)
dist = torch.tensor([0.5, 1.5, 2.5, 3.5, 0.5, 1.0, 4.0, 0.0, 2.0, 6.0, 0.5, 0.5], dtype=torch.float64)
neigh = torch.randint(0, 5, (12,))
neigh[6] = targets[6]  # no boundary: own label
width, eps = 3.0, 0.4
eps_t = (eps * torch.clamp(1 - dist / width, min=0)).unsqueeze(1)
oh = one_hot(targets, 5, mask)
nh = one_hot(neigh, 5, mask)
q = oh * (1 - eps_t) + nh * eps_t
extras = {'boundaryDistance': dist.tolist(), 'neighbourLabel': neigh.tolist()}
cases.append(record('boundary-neighbour', {'smoothing': 'boundary', 'epsilon': eps, 'boundaryWidth': width},
                    logits, targets, mask, lambda x: masked_ce_soft(x, q, mask), extras=extras))
counts5 = torch.tensor([4.0, 1.0, 1.0, 2.0, 2.0], dtype=torch.float64)
q2 = oh * (1 - eps_t) + (counts5 / counts5.sum()) * eps_t
cases.append(record('boundary-prior', {'smoothing': 'boundary', 'epsilon': eps, 'boundaryWidth': width, 'boundaryTarget': 'prior'},
                    logits, targets, mask, lambda x: masked_ce_soft(x, q2, mask), extras=extras, prior=counts5))

# 6. binary (multi-label) smoothing with sigmoid BCE.
for eps in [0.0, 0.1]:
    n, k = 9, 4
    logits = torch.randn(n, k, dtype=torch.float64) * 2.0
    active = (torch.rand(n, k) < 0.4).double()
    mask = torch.ones(n, dtype=torch.float64)
    mask[-2:] = 0
    logits[-2:] = torch.randn(2, k, dtype=torch.float64) * 50.0
    y = active * (1 - eps) + eps / 2
    real = mask > 0
    bce = torch.nn.BCEWithLogitsLoss(reduction='mean')
    cases.append(record(f'binary-eps{eps}', {'smoothing': 'binary', 'epsilon': eps}, logits, active, mask,
                        lambda x, y=y, real=real, bce=bce: bce(x[real], y[real])))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden.json')
with open(out, 'w') as f:
    json.dump({'generator': 'test/golden/losses/make_golden.py', 'torch': torch.__version__, 'cases': cases}, f)
print(f'wrote {len(cases)} cases to {out}')
