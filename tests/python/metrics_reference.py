"""scikit-learn (1.2) and scikit-image (0.19) references for test_metrics.cpp.

  metrics_reference.py make DIR   writes DIR/metrics.pt: labels/scores cases (random, heavy
                                  ties, perfect, inverted) with AUROC, AP, FPR@TPR 0.95/0.99 and
                                  the ROC curve; image pairs with their SSIM (data_range 1);
                                  NumPy mean/std/percentile; the best Dice over the 1st-99th
                                  percentile thresholds (numpy 'lower'); scipy's Gaussian filter
"""
import os
import sys

import numpy as np
import torch
from scipy.ndimage import gaussian_filter
from skimage.metrics import structural_similarity
from sklearn.metrics import average_precision_score, roc_auc_score, roc_curve


def fpr_at(y, s, t):
    fpr, tpr, _ = roc_curve(y, s)
    return float(fpr[np.argmax(tpr >= t)])


def make(d):
    rng = np.random.default_rng(17)
    cases = {}
    for name, (y, s) in {
        "random": (rng.integers(0, 2, 300), rng.random(300)),
        "ties": (rng.integers(0, 2, 400), rng.integers(0, 7, 400) / 7.0),
        "shifted": (np.r_[np.zeros(150), np.ones(90)], np.r_[rng.normal(0, 1, 150), rng.normal(1, 1, 90)]),
        "perfect": (np.r_[np.zeros(10), np.ones(5)], np.r_[np.arange(10) / 20.0, 1 + np.arange(5)]),
        "inverted": (np.r_[np.zeros(6), np.ones(4)], np.r_[np.arange(6) + 10.0, np.arange(4)]),
    }.items():
        y = y.astype(np.int64)
        fpr, tpr, thr = roc_curve(y, s)
        cases[name] = {
            "labels": torch.from_numpy(y), "scores": torch.from_numpy(s.astype(np.float64)),
            "auroc": torch.tensor(roc_auc_score(y, s), dtype=torch.float64),
            "ap": torch.tensor(average_precision_score(y, s), dtype=torch.float64),
            "fpr95": torch.tensor(fpr_at(y, s, 0.95), dtype=torch.float64),
            "fpr99": torch.tensor(fpr_at(y, s, 0.99), dtype=torch.float64),
            "roc_fpr": torch.from_numpy(fpr), "roc_tpr": torch.from_numpy(tpr), "roc_thr": torch.from_numpy(thr),
        }
    images = {}
    for name, (a, b) in {
        "noise": (rng.random((64, 64)), rng.random((64, 64))),
        "similar": (lambda x: (x, np.clip(x + rng.normal(0, 0.05, x.shape), 0, 1)))(rng.random((50, 70))),
        "float32": (rng.random((128, 128)).astype(np.float32), rng.random((128, 128)).astype(np.float32)),
    }.items():
        images[name] = {"a": torch.from_numpy(np.ascontiguousarray(a)), "b": torch.from_numpy(np.ascontiguousarray(b)),
                        "ssim": torch.tensor(structural_similarity(a, b, data_range=1), dtype=torch.float64)}
    stats = {}
    for name, v in {"normal": rng.normal(0, 1, 257), "ties": rng.integers(0, 5, 100) / 4.0, "one": np.array([3.5])}.items():
        stats[name] = {"values": torch.from_numpy(v.astype(np.float64)),
                       "mean": torch.tensor(np.mean(v), dtype=torch.float64),
                       "std": torch.tensor(np.std(v), dtype=torch.float64),
                       "q": torch.tensor([0, 12.5, 50, 95, 99.9, 100], dtype=torch.float64),
                       "percentile": torch.from_numpy(np.percentile(v, [0, 12.5, 50, 95, 99.9, 100]))}
    dice = {}
    for name, (v, m) in {
        "blob": (lambda m: (rng.random(m.shape) * 0.6 + 0.5 * m, m))((rng.random(3000) < 0.1).astype(np.int64)),
        "ties": (rng.integers(0, 4, 2000) / 3.0, (rng.random(2000) < 0.3).astype(np.int64)),
        "empty_mask": (rng.random(500), np.zeros(500, dtype=np.int64)),
    }.items():
        best = 0.0
        for q in range(1, 100):
            p = v > np.percentile(v, q, method="lower")
            if p.sum() + m.sum() > 0:
                best = max(best, 2.0 * np.sum(p & (m == 1)) / (p.sum() + m.sum()))
        dice[name] = {"values": torch.from_numpy(v.astype(np.float64)), "mask": torch.from_numpy(m),
                      "best_dice": torch.tensor(best, dtype=torch.float64)}
    smooth = {}
    x = rng.random((2, 1, 33, 40))
    for sigma in (1.0, 1.5, 2.0):
        ref = np.stack([gaussian_filter(x[i, 0], sigma, mode="constant", truncate=3.0) for i in range(2)])[:, None]
        smooth[str(sigma)] = {"x": torch.from_numpy(x), "sigma": torch.tensor(sigma, dtype=torch.float64),
                              "smoothed": torch.from_numpy(np.ascontiguousarray(ref))}
    torch.save({"cases": cases, "images": images, "stats": stats, "dice": dice, "smooth": smooth},
               os.path.join(d, "metrics.pt"))


if __name__ == "__main__":
    make(sys.argv[2]) if sys.argv[1] == "make" else sys.exit("usage: metrics_reference.py make DIR")
