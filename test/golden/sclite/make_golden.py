#!/usr/bin/env python3
"""Golden fixtures for hibiki's token scoring: NIST sclite's counts on random trn pairs.

Regenerate (needs Debian's sctk: /usr/lib/sctk/bin/sclite):
    /usr/bin/python3 test/golden/sclite/make_golden.py

Writes test/golden/sclite/{words,phones,ties}.{ref,hyp}.trn, phones.map and sclite.json. For each
scoring mode the JSON holds the sclite options used, per-utterance C/S/D/I counts (from the
pralign report) and the corpus Sum line (from the rsum report). The phone case folds the phones
here in Python with phones.map before running sclite, so the TS test checks its own folding too.
The ties corpus holds only pairs with several minimum-cost alignments of different S/D/I splits,
so it checks sclite's tie-breaking, not just the edit distance.
"""
import json
import os
import random
import re
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCLITE = "/usr/lib/sctk/bin/sclite"
rng = random.Random(20261130)

WORDS = ["the", "The", "a", "cat", "Cat", "sat", "on", "mat", "dog", "ran", "to", "house", "in", "re-do",
         "well-known", "it", "is", "was", "big", "small", "x", "ab", "ba", "aa", "abc", "cab", "hello", "HELLO"]
PHONES = ["aa", "ae", "ah", "ao", "aw", "ax", "ax-h", "axr", "ay", "b", "bcl", "d", "dcl", "dh", "eh", "el",
          "em", "en", "er", "ey", "f", "g", "gcl", "hh", "hv", "ih", "ix", "iy", "k", "kcl", "l", "m", "n",
          "ng", "q", "s", "sh", "t", "tcl", "uh", "uw", "ux", "v", "w", "y", "z", "h#", "pau", "epi"]
# Silence-like phones again, so that folded silences often meet each other (and `h#`, whose `#`
# is not a comment, is frequent).
PHONES += ["h#", "h#", "h#", "pau", "bcl", "q", "q"]
# A small, hand-written TIMIT-style folding (a subset of Lee & Hon 1989): several phones merge,
# q is deleted.
PHONE_MAP = {"ao": "aa", "ax": "ah", "ax-h": "ah", "axr": "er", "hv": "hh", "ix": "ih", "el": "l",
             "em": "m", "en": "n", "ux": "uw", "bcl": "sil", "dcl": "sil", "gcl": "sil", "kcl": "sil",
             "tcl": "sil", "h#": "sil", "pau": "sil", "epi": "sil", "q": None}


def edit(ref, vocab):
    """A hypothesis made from ref by a random mix of edit patterns."""
    pattern = rng.choice(["same", "sub", "del", "ins", "mixed", "mixed", "mixed", "shift", "empty", "repeat", "reverse"])
    if pattern == "same":
        return list(ref)
    if pattern == "empty":
        return []
    if pattern == "reverse":
        return list(reversed(ref))
    if pattern == "shift":
        k = rng.randint(1, 2)
        return ([rng.choice(vocab) for _ in range(k)] + list(ref))[: len(ref) + rng.randint(-1, 1)] if ref else [rng.choice(vocab)]
    if pattern == "repeat":
        return [w for w in ref for _ in range(rng.randint(1, 2))]
    hyp = []
    p = {"sub": (0.3, 0, 0), "del": (0, 0.3, 0), "ins": (0, 0, 0.3), "mixed": (0.15, 0.15, 0.15)}[pattern]
    for w in ref:
        r = rng.random()
        if r < p[0]:
            hyp.append(rng.choice(vocab))
        elif r < p[0] + p[1]:
            pass
        else:
            hyp.append(w)
        if rng.random() < p[2]:
            hyp.append(rng.choice(vocab))
    return hyp


def corpus(vocab, n, max_len, speakers):
    refs, hyps = [], []
    for i in range(n):
        spk = f"spk{rng.randrange(speakers):02d}"
        uid = f"{spk}_u{i:04d}"
        length = 0 if rng.random() < 0.03 else rng.randint(1, max_len)
        ref = [rng.choice(vocab[: rng.randint(4, len(vocab))]) for _ in range(length)]
        refs.append((uid, ref))
        hyps.append((uid, edit(ref, vocab)))
    return refs, hyps


def optimal_splits(r, h):
    """All (S, D, I) splits among the minimum-cost alignments (costs sub 4, ins 3, del 3)."""
    from functools import lru_cache

    @lru_cache(None)
    def best(i, j):
        if i == 0 and j == 0:
            return (0, frozenset([(0, 0, 0)]))
        opts = []
        if i > 0 and j > 0:
            c, s = best(i - 1, j - 1)
            e = 0 if r[i - 1] == h[j - 1] else 4
            opts.append((c + e, frozenset((a + (e > 0), b, d) for a, b, d in s)))
        if i > 0:
            c, s = best(i - 1, j)
            opts.append((c + 3, frozenset((a, b + 1, d) for a, b, d in s)))
        if j > 0:
            c, s = best(i, j - 1)
            opts.append((c + 3, frozenset((a, b, d + 1) for a, b, d in s)))
        m = min(o[0] for o in opts)
        return (m, frozenset().union(*[o[1] for o in opts if o[0] == m]))

    return best(len(r), len(h))[1]


def tie_corpus(n):
    """Pairs whose equal-cost alignments differ in their S/D/I split: sclite's tie-breaking decides."""
    refs, hyps, seen = [], [], set()
    while len(refs) < n:
        r = tuple(rng.choice("abc") for _ in range(rng.randint(1, 6)))
        h = tuple(rng.choice("abcd") for _ in range(rng.randint(0, 7)))
        if len(optimal_splits(r, h)) > 1 and (r, h) not in seen:
            seen.add((r, h))
            refs.append((f"tie_{len(refs):03d}", list(r)))
            hyps.append((f"tie_{len(hyps):03d}", list(h)))
    return refs, hyps


def write_trn(path, entries):
    with open(path, "w") as f:
        for uid, toks in entries:
            f.write((" ".join(toks) + " " if toks else "") + f"({uid})\n")


def run_sclite(ref_path, hyp_path, options):
    with tempfile.TemporaryDirectory() as out:
        cmd = [SCLITE, "-r", ref_path, "trn", "-h", hyp_path, "trn", "-i", "spu_id", *options,
               "-o", "rsum", "pralign", "-O", out, "-n", "g"]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pra = open(os.path.join(out, "g.pra")).read()
        raw = open(os.path.join(out, "g.raw")).read()
    utts = {}
    for m in re.finditer(r"^id: \((\S+)\)\nScores: \(#C #S #D #I\) (\d+) (\d+) (\d+) (\d+)", pra, re.M):
        utts[m.group(1)] = [int(m.group(k)) for k in range(2, 6)]
    m = re.search(r"\| Sum\s*\|\s*(\d+)\s+(\d+)\s*\|\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\|", raw)
    snt, wrd, corr, sub, dele, ins, err, serr = (int(x) for x in m.groups())
    total = {"sentences": snt, "refLength": wrd, "corr": corr, "sub": sub, "del": dele, "ins": ins,
             "err": err, "sentenceErrors": serr}
    return {"options": options, "total": total, "utterances": utts}


def main():
    words_ref, words_hyp = corpus(WORDS, 400, 14, 12)
    phones_ref, phones_hyp = corpus(PHONES, 200, 30, 6)
    write_trn(os.path.join(HERE, "words.ref.trn"), words_ref)
    write_trn(os.path.join(HERE, "words.hyp.trn"), words_hyp)
    write_trn(os.path.join(HERE, "phones.ref.trn"), phones_ref)
    write_trn(os.path.join(HERE, "phones.hyp.trn"), phones_hyp)
    with open(os.path.join(HERE, "phones.map"), "w") as f:
        f.write("# TIMIT-style folding used by make_golden.py; a phone alone on a line is deleted\n")
        for k, v in PHONE_MAP.items():
            f.write(f"{k}\n" if v is None else f"{k} {v}\n")

    def fold(entries):
        return [(u, [PHONE_MAP.get(p, p) for p in toks if PHONE_MAP.get(p, p) is not None]) for u, toks in entries]

    fixtures = {}
    w_ref, w_hyp = os.path.join(HERE, "words.ref.trn"), os.path.join(HERE, "words.hyp.trn")
    fixtures["word"] = run_sclite(w_ref, w_hyp, [])
    fixtures["token"] = run_sclite(w_ref, w_hyp, ["-s"])
    fixtures["char"] = run_sclite(w_ref, w_hyp, ["-c"])
    fixtures["charDH"] = run_sclite(w_ref, w_hyp, ["-c", "DH"])
    with tempfile.TemporaryDirectory() as tmp:
        fr, fh = os.path.join(tmp, "ref.trn"), os.path.join(tmp, "hyp.trn")
        write_trn(fr, fold(phones_ref))
        write_trn(fh, fold(phones_hyp))
        fixtures["phonesFolded"] = run_sclite(fr, fh, ["-s"])
    ties_ref, ties_hyp = tie_corpus(100)
    write_trn(os.path.join(HERE, "ties.ref.trn"), ties_ref)
    write_trn(os.path.join(HERE, "ties.hyp.trn"), ties_hyp)
    fixtures["ties"] = run_sclite(os.path.join(HERE, "ties.ref.trn"), os.path.join(HERE, "ties.hyp.trn"), ["-s"])
    fixtures["phonesUnfolded"] = run_sclite(os.path.join(HERE, "phones.ref.trn"), os.path.join(HERE, "phones.hyp.trn"), ["-s"])
    with open(os.path.join(HERE, "sclite.json"), "w") as f:
        json.dump(fixtures, f, separators=(",", ":"))
        f.write("\n")
    for k, v in fixtures.items():
        print(k, v["total"], len(v["utterances"]))


if __name__ == "__main__":
    main()
