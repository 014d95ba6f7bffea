"""Fixtures for the loaders of the paper's figures (test_public_sets.cpp, test_figures_cli.cpp), with
the expected images computed by the independent readers upstream uses: torchvision 0.14's
read_image and transforms (ToPILImage, Grayscale, Resize, ToTensor), Pillow, NumPy and nibabel.

  public_sets_fixtures.py make DIR H W
    DIR/data/MedNIST/{CXR,Hand,HeadCT}/*.jpeg (64x64 grey JPEGs, one RGB) and
    DIR/data/MNIST_1000Test/*.png (28x28), with the split CSVs the teaser and cor configs name
    (DIR/data/MedNIST/splits/{cxr_train,cxr_val,cxr_test,head_test,hand_test}.csv,
    DIR/data/MNIST_1000Test/mnist1000_test.csv; paths ./data/..., relative to DIR) and the
    teaser's CXR splits (DIR/data/CXR/splits/cxr_normal_{train,val,test}.csv: 3 PNGs, the
    training split listing them 64 times);
    DIR/cifar/cifar-10-batches-bin/test_batch.bin (40 records, labels 0-9 in turn);
    DIR/celeba/img_align_celeba/*.jpg (RGB, 218x178) + list_eval_partition.txt;
    DIR/nifti/*.nii.gz and *.nii;
    DIR/expected.pt: {name: tensor}: what each must read as at target size H x W:
      mednist_train/<rel>   ReadImage, To01, AddChannelIfNeeded, AssertChannelFirst, Resize (tensor)
      mednist_test/<rel>    ReadImage, To01, ToPILImage, Resize, ToTensor
      cifar/<class>/<k>     ToPILImage(RGB), Grayscale, Resize, ToTensor of the k-th record of class
      celeba/<k>            ToPILImage(decoded RGB), Grayscale, Resize, ToTensor (test partition)
      nifti/<file>          upstream's ReadImage then To01 (no resize)
"""
import os
import sys
import warnings

import nibabel as nib
import numpy as np
import torch
import torchvision.transforms as T
from PIL import Image
from torchvision.io.image import read_image

warnings.filterwarnings("ignore")
rng = np.random.default_rng(3)
CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def smooth(h, w, channels=1):
    yy, xx = np.mgrid[0:h, 0:w]
    out = []
    for c in range(channels):
        a, b = rng.uniform(3, 9, 2)
        img = 127 + 90 * np.sin(xx / a + c) * np.cos(yy / b) + rng.normal(0, 12, (h, w))
        out.append(np.clip(img, 0, 255).astype(np.uint8))
    return out[0] if channels == 1 else np.stack(out, axis=-1)


def write_csv(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        f.write("filename\r\n" + "".join(r + "\r\n" for r in rows))


def mednist(d, size, expected):
    rows = {}
    for folder, n in (("CXR", 6 + 64), ("HeadCT", 2), ("Hand", 2)):
        os.makedirs(os.path.join(d, "data", "MedNIST", folder), exist_ok=True)
        for i in range(n):
            rel = f"./data/MedNIST/{folder}/{i:06d}.jpeg"
            rgb = folder == "Hand" and i == 1  # an RGB file: upstream keeps its first channel
            Image.fromarray(smooth(64, 64, 3 if rgb else 1)).save(os.path.join(d, rel), quality=92)
            rows.setdefault(folder, []).append(rel)
    os.makedirs(os.path.join(d, "data", "MNIST_1000Test"), exist_ok=True)
    mnist = []
    for i in range(3):
        rel = f"./data/MNIST_1000Test/{i}.png"
        Image.fromarray(smooth(28, 28)).save(os.path.join(d, rel))
        mnist.append(rel)
    split = os.path.join(d, "data", "MedNIST", "splits")
    # cxr_train: the first 4 and 64 more (one batch of cor/baseline.yaml's 64)
    write_csv(os.path.join(split, "cxr_train.csv"), rows["CXR"][:4] + rows["CXR"][6:])
    write_csv(os.path.join(split, "cxr_val.csv"), rows["CXR"][4:5])
    write_csv(os.path.join(split, "cxr_test.csv"), rows["CXR"][5:6])
    # The teaser configs' training splits (CXR layout, 299x299 PNGs as the COVID-19 set's).
    os.makedirs(os.path.join(d, "data", "CXR", "Normal", "images"), exist_ok=True)
    cxr = []
    for i in range(3):
        rel = f"./data/CXR/Normal/images/Normal-{i}.png"
        Image.fromarray(smooth(299, 299)).save(os.path.join(d, rel))
        cxr.append(rel)
    for name in ("train", "val", "test"):  # train: one batch of the teaser's 64 (files repeat)
        rows_ = cxr * 22 if name == "train" else cxr
        write_csv(os.path.join(d, "data", "CXR", "splits", f"cxr_normal_{name}.csv"), rows_[:64] if name == "train" else rows_)
    write_csv(os.path.join(split, "head_test.csv"), rows["HeadCT"])
    write_csv(os.path.join(split, "hand_test.csv"), rows["Hand"])
    write_csv(os.path.join(d, "data", "MNIST_1000Test", "mnist1000_test.csv"), mnist)
    train_t = T.Resize(size)  # on a tensor: torchvision 0.14, no antialias
    test_t = T.Compose([T.ToPILImage(), T.Resize(size), T.ToTensor()])
    for rel in rows["CXR"] + rows["HeadCT"] + rows["Hand"] + mnist:
        img = read_image(os.path.join(d, rel)) / 255.0  # ReadImage, To01
        first = img[0:1] if img.shape[0] > 1 else img  # AssertChannelFirst
        expected["mednist_train/" + rel] = train_t(first)
        expected["mednist_test/" + rel] = test_t(img)[0:1]


def cifar(d, size, expected):
    folder = os.path.join(d, "cifar", "cifar-10-batches-bin")
    os.makedirs(folder, exist_ok=True)
    records, seen = [], {}
    t = T.Compose([T.ToPILImage(), T.Grayscale(), T.Resize(size), T.ToTensor()])
    for i in range(40):
        label = i % 10
        rgb = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)  # the hardest case for rounding
        records.append(bytes([label]) + rgb.transpose(2, 0, 1).tobytes())
        k = seen.get(label, 0)
        seen[label] = k + 1
        expected[f"cifar/{CLASSES[label]}/{k}"] = t(rgb)
    with open(os.path.join(folder, "test_batch.bin"), "wb") as f:
        f.write(b"".join(records))


def celeba(d, size, expected):
    folder = os.path.join(d, "celeba")
    os.makedirs(os.path.join(folder, "img_align_celeba"), exist_ok=True)
    t = T.Compose([T.ToPILImage(), T.Grayscale(), T.Resize(size), T.ToTensor()])
    lines, k = [], 0
    for i in range(1, 7):
        name = f"{i:06d}.jpg"
        path = os.path.join(folder, "img_align_celeba", name)
        Image.fromarray(smooth(218, 178, 3)).save(path, quality=90)
        part = [0, 0, 1, 2, 2, 2][i - 1]
        lines.append(f"{name} {part}")
        if part == 2:
            expected[f"celeba/{k}"] = t(np.asarray(Image.open(path).convert("RGB")))
            k += 1
    with open(os.path.join(folder, "list_eval_partition.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def nifti(d, expected):
    folder = os.path.join(d, "nifti")
    os.makedirs(folder, exist_ok=True)

    def upstream(path):  # transforms/preprocessing.py ReadImage, then To01
        img = nib.load(path)
        if path.endswith(".nii.gz"):
            return torch.Tensor(np.flipud(np.array(img.get_fdata())[:, :, 85].T).copy()) / 255.0
        return torch.Tensor(np.array(img.get_fdata())) / 255.0

    vol8 = rng.integers(0, 256, (20, 24, 90), dtype=np.uint8)
    cases = {
        "brain_u8.nii.gz": nib.Nifti1Image(vol8, np.eye(4)),
        "brain_i16_scaled.nii.gz": nib.Nifti1Image(rng.integers(-300, 900, (18, 16, 88)).astype(np.int16), np.eye(4)),
        "brain_f32.nii.gz": nib.Nifti1Image(rng.uniform(0, 255, (12, 14, 86)).astype(np.float32), np.eye(4)),
        "slice_f64.nii": nib.Nifti1Image(rng.uniform(0, 255, (10, 7)), np.eye(4)),
    }
    cases["brain_i16_scaled.nii.gz"].header.set_slope_inter(0.25, 10.0)
    for name, img in cases.items():
        path = os.path.join(folder, name)
        nib.save(img, path)
        expected["nifti/" + name] = upstream(path)
    # Big-endian as some scanners write it.
    be = nib.Nifti1Image(rng.integers(0, 4000, (9, 11, 87)).astype(">u2"), np.eye(4))
    be.header.set_data_dtype(">u2")
    path = os.path.join(folder, "big_endian_u16.nii.gz")
    nib.save(be, path)
    expected["nifti/big_endian_u16.nii.gz"] = upstream(path)


def main():
    if len(sys.argv) != 5 or sys.argv[1] != "make":
        sys.exit(__doc__)
    d, size = sys.argv[2], [int(sys.argv[3]), int(sys.argv[4])]
    expected = {}
    mednist(d, size, expected)
    cifar(d, size, expected)
    celeba(d, size, expected)
    nifti(d, expected)
    torch.save({k: v.float().contiguous() for k, v in expected.items()}, os.path.join(d, "expected.pt"))


if __name__ == "__main__":
    main()
