"""Independent PyTorch reference of MorphAEus (docs/METHOD.md section 2), written for our tests.

Usage (with Debian's /usr/bin/python3 and python3-torch):
  morphaeus_reference.py make OUT_DIR     random weights -> OUT_DIR/weights.pt (torch.save of
                                           {'model_weights': OrderedDict, 'optimizer_weights',
                                           'epoch'}), inputs and outputs -> OUT_DIR/io.pt
  morphaeus_reference.py check CKPT OUT   load a checkpoint written by C++ with torch.load and
                                           load_state_dict(strict=True), run the inputs of
                                           io.pt next to it, save outputs -> OUT
"""
import copy
import os
import sys
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

CHANNELS = [16, 32, 64, 128, 256, 256, 256]
SIZE = 128


def swish(x):
    return x * torch.sigmoid(x)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        c_in = 1
        for i, c in enumerate(CHANNELS):
            setattr(self, f"conv__encode_{i}", nn.Conv2d(c_in, c, 3, stride=2, padding=1))
            setattr(self, f"conv__batch_{i}", nn.BatchNorm2d(c))
            c_in = c

    def forward(self, x):
        raw = []
        for i in range(len(CHANNELS)):
            x = getattr(self, f"conv__encode_{i}")(x)
            raw.append(x)
            x = swish(getattr(self, f"conv__batch_{i}")(x))
        return x, raw


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        outs = list(reversed(CHANNELS))
        c_in = CHANNELS[-1]
        for i, c in enumerate(outs):
            setattr(self, f"conv__decode_{i}", nn.Conv2d(c_in, c, 3, padding=1))
            setattr(self, f"conv__batch_{i}", nn.BatchNorm2d(c))
            c_in = c
        self.conv__decode_final = nn.Conv2d(c_in, 1, 1)

    def forward(self, z):
        raw = []
        x = z
        for i in range(len(CHANNELS)):
            x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=True)
            x = getattr(self, f"conv__decode_{i}")(x)
            raw.append(x)
            x = swish(getattr(self, f"conv__batch_{i}")(x))
        return torch.sigmoid(self.conv__decode_final(x)), raw


def pixel_grid(h, w):
    rows = torch.arange(h, dtype=torch.float32).view(h, 1).expand(h, w)
    cols = torch.arange(w, dtype=torch.float32).view(1, w).expand(h, w)
    return torch.stack([rows, cols]).unsqueeze(0)


class Transformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("grid", pixel_grid(SIZE, SIZE))

    def forward(self, src, flow):
        loc = self.grid + flow
        h, w = flow.shape[2:]
        y = 2 * (loc[:, 0] / (h - 1) - 0.5)
        x = 2 * (loc[:, 1] / (w - 1) - 0.5)
        return F.grid_sample(src, torch.stack([x, y], dim=-1), mode="bilinear",
                             padding_mode="zeros", align_corners=True)


class Integrate(nn.Module):
    def __init__(self, steps=7):
        super().__init__()
        self.steps = steps
        self.transformer = Transformer()

    def forward(self, v):
        v = v / 2 ** self.steps
        for _ in range(self.steps):
            v = v + self.transformer(v, v)
        return v


class Deformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.deformerNN = nn.Sequential(OrderedDict([
            ("ref__refine_0", nn.ConvTranspose2d(192, 32, 3, 2, 1, output_padding=1)),
            ("ref__batch_0", nn.BatchNorm2d(32)),
            ("ref__refine_1", nn.ConvTranspose2d(128, 32, 3, 2, 1, output_padding=1)),
            ("ref__batch_1", nn.BatchNorm2d(32)),
            ("ref__refine_2", nn.ConvTranspose2d(80, 32, 3, 2, 1, output_padding=1)),
            ("ref__batch_2", nn.BatchNorm2d(32)),
        ]))
        self.flow = nn.Conv2d(32, 2, 3, padding=1)
        self.integrate = Integrate()
        self.transformer = Transformer()

    def forward(self, x, prior, enc, dec):
        layers = dict(self.deformerNN.named_children())
        h = None
        for level, at in enumerate([3, 4, 5]):
            parts = [enc[at], dec[at]] + ([h] if h is not None else [])
            h = layers[f"ref__refine_{level}"](torch.cat(parts, 1))
            h = swish(layers[f"ref__batch_{level}"](h))
        v = self.flow(h)
        pos = self.integrate(v)
        neg = self.integrate(-v)
        return self.transformer(prior, pos), self.transformer(x, neg), v, pos


class MorphAEus(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.decoder = Decoder()
        self.deformer = Deformer()

    def forward(self, x):
        z, enc_raw = self.encoder(x)
        prior, dec_raw = self.decoder(z)
        enc = [t for t in reversed(enc_raw) if t.shape[-1] != 1]  # 2, 4, ..., 64 px
        dec = dec_raw[: len(enc)]                                  # 2, 4, ..., 64 px
        y_source, y_target, v, _ = self.deformer(x, prior, enc, dec)
        return {"y_source": y_source, "x_prior": prior, "y_target": y_target, "deformation": v}


def randomize(model, seed):
    """Non-trivial weights everywhere (BN statistics too) so that every path is exercised."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "batch" in name:  # BatchNorm affine: weight around 1, bias around 0
                p.copy_(torch.rand(p.shape, generator=g) * 0.6 + (0.7 if name.endswith("weight") else -0.3))
                continue
            fan_in = p[0].numel() if p.dim() > 1 else 1
            if "refine" in name and p.dim() > 1:  # ConvTranspose2d weights are [in, out, k, k]
                fan_in = p.shape[0] * p.shape[2] * p.shape[3]
            scale = (6.0 / fan_in) ** 0.5 if p.dim() > 1 else 0.1
            p.copy_((torch.rand(p.shape, generator=g) * 2 - 1) * scale)
        model.deformer.flow.weight.mul_(3.0)
    randomize_buffers(model, g, 7)


def randomize_buffers(model, g, batches_tracked):
    """BatchNorm running statistics away from their defaults (used by the other references too)."""
    with torch.no_grad():
        for name, b in model.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(torch.rand(b.shape, generator=g) * 0.2 - 0.1)
            elif name.endswith("running_var"):
                b.copy_(torch.rand(b.shape, generator=g) + 0.5)
            elif name.endswith("num_batches_tracked"):
                b.fill_(batches_tracked)


def outputs(model, x, train):
    model.train(train)
    with torch.no_grad():
        return {k: v.detach().clone() for k, v in model(x).items()}


def make(out_dir):
    torch.manual_seed(0)
    model = MorphAEus()
    randomize(model, 1)
    opt = torch.optim.Adam(model.parameters(), lr=5e-4)
    x = torch.rand(3, 1, SIZE, SIZE, generator=torch.Generator().manual_seed(2))
    m64 = copy.deepcopy(model).double()  # the same math in float64: free of summation-order noise
    ev64, tr64 = outputs(m64, x.double(), False), outputs(m64, x.double(), True)
    ev = outputs(model, x, False)
    tr = outputs(model, x, True)  # BatchNorm batch statistics (running stats updated after)
    randomize(model, 1)           # restore the running statistics for the saved weights
    # One optimizer step so that Adam's state exists in the checkpoint.
    snapshot = {k: v.clone() for k, v in model.state_dict().items()}
    model.train()
    model(x)["y_source"].mean().backward()
    opt.step()
    model.load_state_dict(snapshot)
    torch.save({"model_weights": model.state_dict(), "optimizer_weights": opt.state_dict(),
                "epoch": 3}, os.path.join(out_dir, "weights.pt"))
    torch.save({"x": x, "eval": ev, "train": tr, "eval64": ev64, "train64": tr64}, os.path.join(out_dir, "io.pt"))
    torch.save(model.state_dict(), os.path.join(out_dir, "legacy_state_dict.pt"),
               _use_new_zipfile_serialization=False)


def check(ckpt_path, out_path):
    ckpt = torch.load(ckpt_path)
    assert set(ckpt.keys()) >= {"model_weights", "optimizer_weights", "epoch"}, ckpt.keys()
    model = MorphAEus()
    model.load_state_dict(ckpt["model_weights"], strict=True)
    io = torch.load(os.path.join(os.path.dirname(out_path), "io.pt"))
    torch.save({"eval": outputs(model, io["x"], False), "epoch": ckpt["epoch"]}, out_path)


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: morphaeus_reference.py make DIR | check CKPT OUT")
