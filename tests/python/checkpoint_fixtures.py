"""Checkpoint fixtures for test_checkpoint.cpp, written and read by Debian's python3-torch.

  checkpoint_fixtures.py write DIR   writes the files the C++ reader must understand
  checkpoint_fixtures.py read FILE   torch.load()s a C++-written checkpoint and prints a summary
"""
import json
import os
import sys
from collections import OrderedDict

import torch


class Custom:  # torch.save pickles this as a global the reader must refuse
    pass


def write(d):
    base = torch.arange(24, dtype=torch.float32).view(4, 6)
    nested = {
        "model_weights": OrderedDict([("a.weight", torch.tensor([[1.5, -2.0], [3.25, 4.0]])),
                                      ("a.bias", torch.tensor([0.5])),
                                      ("bn.num_batches_tracked", torch.tensor(7))]),
        "optimizer_weights": {"state": {0: {"step": torch.tensor(3.0), "exp_avg": torch.ones(2)}},
                              "param_groups": [{"lr": 5e-4, "betas": (0.9, 0.999), "eps": 1e-8,
                                                "amsgrad": False, "foreach": None,
                                                "params": [0]}]},
        "epoch": 3,
        "ints": [0, 255, 256, 65535, 65536, -1, -2**31, 2**31, 2**40, -2**62],
        "one_list": [42],
        "one_dict": {"k": "v"},
        "text": "héllo wörld",
        "flags": (True, False, None),
        "float": 3.141592653589793,
        "dtypes": {"f64": torch.tensor([1.0, -2.5], dtype=torch.float64),
                   "i64": torch.tensor([-3, 2**40]), "i32": torch.tensor([7], dtype=torch.int32),
                   "u8": torch.tensor([0, 255], dtype=torch.uint8),
                   "bool": torch.tensor([True, False]),
                   "f16": torch.tensor([0.5, 2.0], dtype=torch.float16),
                   "bf16": torch.tensor([1.5], dtype=torch.bfloat16)},
        "views": {"transposed": base.t(), "sliced": base[1:3, 2:5], "base": base},
    }
    torch.save(nested, os.path.join(d, "nested.pt"))
    torch.save(nested, os.path.join(d, "nested_legacy.pt"), _use_new_zipfile_serialization=False)
    torch.save({"model_weights": {"x": torch.ones(1)}, "evil": Custom()}, os.path.join(d, "global.pt"))
    # torchvision's VGG layout (features.N.weight/bias), legacy format like vgg19-dcbb9e9d.pth.
    vgg = OrderedDict([("features.0.weight", torch.randn(64, 3, 3, 3)),
                       ("features.0.bias", torch.randn(64))])
    torch.save(vgg, os.path.join(d, "vgg_legacy.pth"), _use_new_zipfile_serialization=False)


def read(path):
    ckpt = torch.load(path)
    summary = {
        "keys": sorted(ckpt.keys()),
        "epoch": ckpt["epoch"],
        "weights": {k: [list(v.shape), str(v.dtype), float(v.double().sum())]
                    for k, v in ckpt["model_weights"].items()},
        "optimizer_type": type(ckpt["optimizer_weights"]).__name__,
    }
    if isinstance(ckpt["optimizer_weights"], dict):
        summary["optimizer_keys"] = sorted(ckpt["optimizer_weights"].keys())
    print(json.dumps(summary, sort_keys=True))


if __name__ == "__main__":
    {"write": write, "read": read}[sys.argv[1]](sys.argv[2])
