#!/usr/bin/python3
"""Seed corpora for tests/fuzz/fuzz_inputs.cpp, written by the independent tools (Debian's
PyTorch, NumPy, Pillow, pydicom): OUT/<target>/<name> for config, set, checkpoint, csv, npy, png
and dicom. Usage: make_seeds.py SOURCE_DIR OUT"""
import glob
import io
import os
import shutil
import sys

import numpy as np
import torch
from PIL import Image

src, out = sys.argv[1], sys.argv[2]


def put(target, name, data):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(data)


# config: the authors' nine configs, ours, the demo
for path in sorted(glob.glob(f"{src}/tests/data/upstream/cxr/*.yaml") + glob.glob(f"{src}/configs/*.yaml")):
    put("config", os.path.basename(os.path.dirname(path)) + "-" + os.path.basename(path), open(path, "rb").read())

# set: one assignment each
for i, text in enumerate([
        "trainer.params.nr_epochs=3", "model.params.channels=[16, 32, 64]",
        "trainer.params.optimizer_params={lr: 1.0e-4, betas: [0.5, 0.999]}",
        "downstream_tasks.pneumonia.data_loader.params.args.target_size=!!python/tuple [64, 64]",
        "trainer.params.optimizer_params.lr=.nan", "experiment.task=test", "seed=7",
        "trainer.data_loader.params.args.data_dir.train=[a.csv, b/]", "model.params.bidir=False"]):
    put("set", f"set{i}", text.encode())


# checkpoint: each trainer's layout (one Adam; SI-VAE's two; AAE's four), PyTorch 1.13's zip
# format and the legacy one, with Adam states after a step (int steps in 1.13)
def model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.BatchNorm2d(4))


def adam_state(m, **kw):
    opt = torch.optim.Adam([m[0].weight, m[0].bias], lr=5e-4, **kw)
    m(torch.rand(2, 1, 8, 8)).mean().backward()
    opt.step()
    return opt.state_dict()


layouts = {
    "morph": lambda m: {"model_weights": m.state_dict(), "optimizer_weights": adam_state(m), "epoch": 3},
    "dae": lambda m: {"model_weights": m.state_dict(),
                      "optimizer_weights": adam_state(m, amsgrad=True, weight_decay=1e-5), "epoch": 0},
    "sivae": lambda m: {"model_weights": m.state_dict(), "optimizer_e_weights": adam_state(m),
                        "optimizer_d_weights": adam_state(m), "epoch": 1},
    "aae": lambda m: dict({"model_weights": m.state_dict(), "epoch": 2},
                          **{f"optimizer_{k}_weights": adam_state(m, betas=(0.5, 0.999)) for k in "E G ZD D".split()}),
    "bare": lambda m: m.state_dict(),
}
for name, make in layouts.items():
    for zipped in (True, False):
        buf = io.BytesIO()
        torch.save(make(model()), buf, _use_new_zipfile_serialization=zipped)
        put("checkpoint", f"{name}-{'zip' if zipped else 'legacy'}.pt", buf.getvalue())

# csv: the head of every split we ship (the paper's CRLF layout)
for path in sorted(glob.glob(f"{src}/data/splits/*.csv")):
    put("csv", os.path.basename(path), b"".join(open(path, "rb").readlines()[:20]))
put("csv", "quoted.csv", b'id,"filename",label\r\n1,"a,b.png",0\r\n2,c.png,1\r\n')

# npy: dtypes, shapes and orders the reader takes
rng = np.random.default_rng(0)
for dtype in ("u1", "i2", "<u2", "<f4", "<f8", "?"):
    for shape in ((8, 6), (3, 8, 6), (8, 8, 3)):
        for order in ("C", "F"):
            a = np.asarray(rng.integers(0, 200, size=shape), dtype=dtype, order=order)
            buf = io.BytesIO()
            np.save(buf, a)
            put("npy", f"{dtype.strip('<')}-{'x'.join(map(str, shape))}-{order}.npy", buf.getvalue())

# png: Pillow's 8- and 16-bit grey, RGB and RGBA PNGs and JPEGs
pixels = rng.integers(0, 255, size=(24, 20), dtype=np.uint8)
for mode in ("L", "RGB", "RGBA", "I;16"):
    img = Image.fromarray(pixels.astype(np.uint16) * 257, "I;16") if mode == "I;16" else Image.fromarray(pixels).convert(mode)
    for fmt in ("PNG", "JPEG"):
        if fmt == "JPEG" and mode in ("RGBA", "I;16"):
            continue
        buf = io.BytesIO()
        img.save(buf, fmt)
        put("png", f"{mode.replace(';', '')}.{fmt.lower()}", buf.getvalue())

# nifti: nibabel's NIfTI-1 files, gzipped (volumes with slice 85) and plain (2-D), several dtypes
import gzip
import nibabel as nib
for dtype in ("uint8", "int16", "float32", ">u2"):
    img = nib.Nifti1Image((rng.integers(0, 200, size=(3, 4, 86))).astype(dtype), np.eye(4))
    put("nifti", f"vol-{dtype.strip('<>')}.nii.gz", gzip.compress(img.to_bytes()))
put("nifti", "plain-2d.nii", nib.Nifti1Image(rng.uniform(0, 255, (5, 3)), np.eye(4)).to_bytes())

# cifar10: three records of the binary version
put("cifar10", "three.bin", b"".join(bytes([k]) + rng.integers(0, 256, 3072, dtype=np.uint8).tobytes() for k in (3, 5, 9)))

# celeba: the partition list's two spellings
put("celeba", "list.txt", b"000001.jpg 0\n000002.jpg 2\n000003.jpg 2\r\n")
put("celeba", "list.csv", b"image_id,partition\n000001.jpg,2\n")

# dicom: pydicom's own test files (little and big endian, implicit VR, RLE, JPEG, JPEG-LS, ...)
import warnings
warnings.simplefilter("ignore")  # pydicom warns that it cannot download its extra test files
import pydicom.data
for path in sorted(pydicom.data.get_testdata_files("*.dcm"))[:40]:
    if os.path.getsize(path) < 600_000:
        put("dicom", os.path.basename(path), open(path, "rb").read())
