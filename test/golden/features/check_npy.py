#!/usr/bin/python3
"""Evidence that numpy reads hibiki's feature-archive shards with np.load(mmap_mode="r").

Regenerate (from the repository root):
    /usr/bin/python3 test/golden/features/check_npy.py

Builds test/golden/features/npy_archive/ with hibiki (node --import tsx
test/golden/features/make_npy_archive.ts), memory-maps every shard with numpy, checks dtype,
order and shape against index.jsonl, and writes npy_evidence.json (numpy's view: per shard the
shape, dtype and header fields; per utterance the first row and the sum of its rows).
"""
import json
import os
import subprocess

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
ARCHIVE = os.path.join(HERE, "npy_archive")


def main():
    subprocess.run(["node", "--import", "tsx", os.path.join(HERE, "make_npy_archive.ts"), ARCHIVE], check=True, cwd=ROOT)
    os.remove(os.path.join(ARCHIVE, "stamp.json"))  # holds absolute temp paths; not part of the evidence
    with open(os.path.join(ARCHIVE, "index.jsonl")) as f:
        index = [json.loads(line) for line in f if line.strip()]
    shards = {}
    for name in sorted({e["shard"] for e in index}):
        a = np.load(os.path.join(ARCHIVE, name), mmap_mode="r")
        assert isinstance(a, np.memmap), type(a)
        assert a.dtype == np.dtype("<f4") and a.ndim == 2 and a.flags["C_CONTIGUOUS"], (a.dtype, a.shape)
        with open(os.path.join(ARCHIVE, name), "rb") as f:
            version = np.lib.format.read_magic(f)
            shape, fortran, dtype = np.lib.format._read_array_header(f, version)
        shards[name] = {"shape": list(a.shape), "dtype": a.dtype.str, "version": list(version), "fortran_order": fortran, "memmap": True}
    utterances = {}
    for e in index:
        a = np.load(os.path.join(ARCHIVE, e["shard"]), mmap_mode="r")
        rows = np.asarray(a[e["offset"] : e["offset"] + e["frames"]], dtype=np.float64)
        assert rows.shape == (e["frames"], e["dim"])
        utterances[e["utt"]] = {"firstRow": [float(v) for v in rows[0]], "sum": float(rows.sum())}
    evidence = {"generator": "test/golden/features/check_npy.py", "numpy": np.__version__, "shards": shards, "utterances": utterances}
    with open(os.path.join(HERE, "npy_evidence.json"), "w") as f:
        json.dump(evidence, f, indent=1)
        f.write("\n")
    print("numpy", np.__version__, "read", len(shards), "shards,", len(utterances), "utterances with mmap_mode='r'")


if __name__ == "__main__":
    main()
