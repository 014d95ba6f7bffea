"""NumPy + scikit-learn references for test_bootstrap.cpp (the paper's bootstrap, bit for bit).

  bootstrap_reference.py make DIR   writes DIR/bootstrap.pt:
    generator: legacy np.random.seed(s) then randint(0, n, 25) for several n (raw 32-bit draws
               for n = 2^32), the indices of np.random.choice(range(n), size=n, replace=True)
    cases:     labels/scores (random, heavy ties, small, shifted) with, per paper seed, the
               indices boost_test.py draws and the resample's AUROC, AUPRC, FPR95, FPR99; the
               mean and np.std over the seeds; percentile intervals (np.percentile, linear) from
               `resamples` resamples of one seeded stream, one-class resamples drawn past
    delong:    two correlated score vectors per case, z and p from DeLong's definition written
               here as the O(m n) kernel psi(x, y) = 1 / 0.5 / 0 (no midranks)
"""
import math
import os
import sys

import numpy as np
import torch
from sklearn.metrics import average_precision_score, roc_auc_score, roc_curve

SEEDS = [101822, 101922, 102022, 102122, 102222]


def metrics(y, s):
    fpr, tpr, _ = roc_curve(y, s)
    return [roc_auc_score(y, s), average_precision_score(y, s),
            fpr[np.squeeze(np.argwhere(tpr >= 0.95)[0])], fpr[np.squeeze(np.argwhere(tpr >= 0.99)[0])]]


def interval_resamples(y, s, resamples, seed):
    """The metrics of `resamples` resamples drawn one after the other from np.random.seed(seed),
    one-class resamples drawn past; returns them and how many were drawn past."""
    np.random.seed(seed)
    kept, skipped = [], 0
    while len(kept) < resamples:
        i = np.random.choice(len(s), size=len(s), replace=True)
        if not 0 < y[i].sum() < len(i):
            skipped += 1
            continue
        kept.append(metrics(y[i], s[i]))
    return np.array(kept), skipped


def delong(y, a, b):
    pos, neg = y == 1, y == 0

    def comps(s):
        x, z = s[pos], s[neg]
        psi = (x[:, None] > z[None, :]).astype(float) + 0.5 * (x[:, None] == z[None, :])
        return psi.mean(), psi.mean(axis=1), psi.mean(axis=0)

    ta, a10, a01 = comps(a)
    tb, b10, b01 = comps(b)
    m, n = pos.sum(), neg.sum()
    s10 = np.cov(np.vstack([a10, b10]))
    s01 = np.cov(np.vstack([a01, b01]))
    s = s10 / m + s01 / n
    var = s[0, 0] + s[1, 1] - 2 * s[0, 1]
    if var <= 0:  # the same ranking twice: the rule documented in core/metrics/delong.h
        z = 0.0 if ta == tb else math.copysign(math.inf, ta - tb)
    else:
        z = (ta - tb) / math.sqrt(var)
    return [ta, tb, s[0, 0], s[1, 1], s[0, 1], z, math.erfc(abs(z) / math.sqrt(2))]


def make(d):
    gen = {}
    for n in [1, 2, 3, 7, 64, 65, 1000, 7031, 2**31 + 5, 2**32]:
        np.random.seed(12345)
        gen[str(n)] = torch.from_numpy(np.random.randint(0, n, size=25, dtype=np.int64))
    np.random.seed(101822)
    gen["choice"] = torch.from_numpy(np.random.choice(range(5000), size=5000, replace=True).astype(np.int64))
    rng = np.random.default_rng(3)
    cases = {}
    for name, (y, s) in {
        "random": (rng.integers(0, 2, 600), rng.random(600)),
        "ties": (rng.integers(0, 2, 500), rng.integers(0, 9, 500) / 9.0),
        "shifted": (np.r_[np.zeros(300), np.ones(120)], np.r_[rng.normal(0, 1, 300), rng.normal(0.8, 1, 120)]),
        "small": (np.r_[np.zeros(9), np.ones(4)], rng.random(13)),
    }.items():
        y = y.astype(np.int64)
        idx, per = [], []
        for seed in SEEDS:
            np.random.seed(seed)  # boost_test.py's set_seed(seed) seeds NumPy's global generator so
            i = np.random.choice(range(len(s)), size=len(s), replace=True)
            idx.append(i)
            per.append(metrics(y[i], s[i]) if 0 < y[i].sum() < len(i) else [math.nan] * 4)
        per = np.array(per)
        resamples = 300
        kept, skipped = interval_resamples(y, s, resamples, 7)
        b = s + rng.normal(0, 0.3, len(s)) if name != "ties" else np.round(s * 3) / 3 + (y * 0.05)
        cases[name] = {
            "labels": torch.from_numpy(y), "scores": torch.from_numpy(s.astype(np.float64)),
            "indices": torch.from_numpy(np.stack(idx).astype(np.int64)),
            "per_seed": torch.from_numpy(per), "mean": torch.from_numpy(per.mean(axis=0)),
            "std": torch.from_numpy(per.std(axis=0)),
            "resamples": torch.tensor(resamples), "skipped": torch.tensor(skipped),
            "low": torch.from_numpy(np.percentile(kept, 2.5, axis=0)),
            "high": torch.from_numpy(np.percentile(kept, 97.5, axis=0)),
            "other": torch.from_numpy(b.astype(np.float64)),
            "delong": torch.tensor(delong(y, s, b), dtype=torch.float64),
        }
    torch.save({"generator": gen, "cases": cases}, os.path.join(d, "bootstrap.pt"))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "make":
        sys.exit(__doc__)
    make(sys.argv[2])
