"""Checks the evaluator's and `reproduce`'s bootstrap numbers against NumPy + scikit-learn,
recomputed here from the per-image scores (scores.csv) the runs wrote.

  bootstrap_check.py eval TASK_DIR DATASET   metrics.json's bootstrap (5 paper seeds: indices by
                                             np.random.seed + np.random.choice, sklearn metrics,
                                             mean and np.std) and its interval (one seeded
                                             stream, one-class resamples drawn past,
                                             np.percentile) for DATASET, to 1e-12
  bootstrap_check.py reproduce SWEEP_DIR     table.csv (first seed of every method),
                                             table_stats.csv (DeLong p against MorphAEus from the
                                             O(m n) definition) and table_seeds.csv
Prints 'ok' or fails with an assertion.
"""
import csv
import glob
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bootstrap_reference import SEEDS, delong, interval_resamples, metrics  # noqa: E402


def pooled(task_dir, dataset, normal):
    rows = [r for r in csv.DictReader(open(os.path.join(task_dir, 'scores.csv')))
            if r['dataset'] in (dataset, normal)]
    return (np.array([int(r['label']) for r in rows]), np.array([float(r['score']) for r in rows]),
            [r['path'] for r in rows])


def paper_bootstrap(y, s):
    per = []
    for seed in SEEDS:
        np.random.seed(seed)
        i = np.random.choice(range(len(s)), size=len(s), replace=True)
        per.append(metrics(y[i], s[i]))
    return np.array(per)


def close(a, b, tol=1e-12):
    if a == b:  # also both infinite
        return
    assert abs(a - b) <= tol * max(1.0, abs(b)), (a, b)


def check_eval(task_dir, dataset):
    m = json.load(open(os.path.join(task_dir, 'metrics.json')))['datasets'][dataset]
    y, s, _ = pooled(task_dir, dataset, m['normal_reference'])
    per = paper_bootstrap(y, s)
    b = m['bootstrap']
    assert b['seeds'] == SEEDS, b['seeds']
    for k, key in enumerate(('auroc', 'auprc', 'fpr_at_tpr95', 'fpr_at_tpr99')):
        close(b[key + '_mean'], per[:, k].mean())
        close(b[key + '_std'], per[:, k].std())
        for j in range(5):
            close(b['resamples'][j][key], per[j, k])
    iv = m['interval']
    kept, skipped = interval_resamples(y, s, iv['resamples'], iv['seed'])
    assert iv['one_class_resamples_skipped'] == skipped
    lo, hi = 50 * (1 - iv['level']), 50 * (1 + iv['level'])
    for k, key in enumerate(('auroc', 'auprc', 'fpr_at_tpr95', 'fpr_at_tpr99')):
        close(iv[key][0], np.percentile(kept[:, k], lo))
        close(iv[key][1], np.percentile(kept[:, k], hi))


def first_runs(sweep):
    runs = {}
    for marker in sorted(glob.glob(os.path.join(sweep, '*', 'seed-*', 'reproduce.json'))):
        done = json.load(open(marker))
        runs.setdefault(done['method'], os.path.dirname(marker))
    return runs


def check_reproduce(sweep):
    runs = first_runs(sweep)
    table = {r['method']: r for r in csv.DictReader(open(os.path.join(sweep, 'table.csv')))}
    stats = {r['method']: r for r in csv.DictReader(open(os.path.join(sweep, 'table_stats.csv')))}
    assert set(table) == set(runs) == set(stats), (table.keys(), runs.keys())
    ref = 'MorphAEus'
    columns = {}
    for method, run in runs.items():
        for task_dir in glob.glob(os.path.join(run, 'eval', '*')):
            for dataset, m in json.load(open(os.path.join(task_dir, 'metrics.json')))['datasets'].items():
                if 'auroc' in m:
                    columns[(method, dataset)] = pooled(task_dir, dataset, m['normal_reference'])
    for (method, dataset), (y, s, paths) in columns.items():
        per = paper_bootstrap(y, s)
        row = table[method]
        close(float(row[dataset + ' AUROC mean']), per[:, 0].mean())
        close(float(row[dataset + ' AUROC std']), per[:, 0].std())
        close(float(row[dataset + ' AUPRC']), per[:, 1].mean())
        close(float(row[dataset + ' FPR95']), per[:, 2].mean())
        if sum(1 for k in columns if k[0] == method) == 1:
            close(float(row['average AUROC']), per[:, 0].mean())
        st = stats[method]
        assert float(st[dataset + ' interval low']) <= float(st[dataset + ' interval high'])
        if method == ref:
            assert st[dataset + ' DeLong p'] == '', st
            continue
        ry, rs, rpaths = columns[(ref, dataset)]
        assert paths == rpaths and (y == ry).all()
        want = delong(y, s, rs)
        close(float(st[dataset + ' DeLong z']), want[5], 1e-9)
        close(float(st[dataset + ' DeLong p']), want[6], 1e-9)


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == 'eval':
        check_eval(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == 'reproduce':
        check_reproduce(sys.argv[2])
    else:
        sys.exit(__doc__)
    print('ok')
