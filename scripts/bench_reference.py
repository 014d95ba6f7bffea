"""The PyTorch side of scripts/bench_vs_pytorch.sh: MorphAEus's training step and evaluation
implemented the way the authors' code runs them (tests/python/morphaeus_reference.py and
training_reference.py: grid_sample warp, VGG19 with trainable weights that are not optimised and
target features computed with autograd, 9x9 convolution NCC, evaluation at batch 1 with
skimage SSIM and sklearn metrics). Run it with Debian's /usr/bin/python3 (python3-torch 1.13).

  bench_reference.py prepare DIR [--batches 16,64]
      DIR/weights.pt ({'model_weights'}), DIR/vgg19_random.pth (torchvision layout, random
      weights), DIR/inputs_b<B>.pt ({'x'}) for each batch size
  bench_reference.py train-step DIR --batch B [--steps N] [--warmup W] [--threads T] [--device D]
                     [--alfa A] [--style authors|tuned] [--precision fp32|bf16] [--compile]
      one Adam step per call at epoch 12 (paper config: L2 + A x PL (default 0.05), NCC,
      gradient-l2 * beta). --style authors (default): their code as it runs (VGG weights that
      require gradients, target features with autograd, Adam's default loop). --style tuned: the
      same math written well in PyTorch: VGG frozen, target features without autograd,
      channels_last, foreach Adam, and with --precision bf16 torch.autocast(bfloat16) around the
      forward and the losses (float32 master weights), as our bf16 path. --compile (PyTorch 2.x):
      the same step with its forward and losses compiled by torch.compile (inductor; the
      backward compiled with it by AOTAutograd, Adam's step as written); the warm-up steps
      compile, and the JSON gives the first step's time (compile_s).  bench_reference.py eval DIR [--images N] [--threads T] [--device D]
      N random images one by one: reconstruction, score = mean |rec - x|, L1, SSIM; AUROC/AP
Each prints one JSON line: timings (median/min/max ms), the first step's loss, peak RSS (MiB),
and on CUDA the peak allocated memory. --device cuda runs the same code on the GPU (fp32, as the
authors' code does); torchvision is optional there (its VGG19 layout is rebuilt if missing), the
evaluation needs scikit-image and scikit-learn.
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

try:
    import torchvision
except ImportError:  # e.g. a GPU machine with torch only
    torchvision = None

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "python"))
import morphaeus_reference as ref  # noqa: E402
import training_reference as tr  # noqa: E402

VGG19_CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512]  # features.0 ... features.20


class Vgg19:
    """torchvision's vgg19 as far as the perceptual loss needs it (features.0-20), same layout."""

    def __init__(self):
        if torchvision is not None:
            self.features = torchvision.models.vgg19().features
            return
        layers, c = [], 3
        for v in VGG19_CFG:
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU(inplace=True)]
                c = v
        self.features = nn.Sequential(*layers)


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()

ALFA, BETA_MAX, DELTA, MAX_ITER, LR, EPOCH = 0.05, 3.0, 1.0, 200, 5e-4, 12


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def prepare(d, batches):
    os.makedirs(d, exist_ok=True)
    torch.manual_seed(3)
    vgg = Vgg19()
    sd = {"features." + k: v for k, v in vgg.features.state_dict().items() if int(k.split(".")[0]) <= 20}
    torch.save(sd, os.path.join(d, "vgg19_random.pth"), _use_new_zipfile_serialization=False)
    model = ref.MorphAEus()
    ref.randomize(model, 1)
    with torch.no_grad():
        model.deformer.flow.weight.mul_(0.05)  # moderate flows, a well-conditioned step
        # BatchNorm running statistics of the data, as a trained model has them: the step runs
        # in eval mode as upstream's, and random statistics would make it ill-conditioned (float32
        # and float64 losses 1e-3 apart).
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.reset_running_stats()
                m.momentum = None  # cumulative: the statistics of this one batch
        model.train()
        model(torch.rand(8, 1, 128, 128, generator=torch.Generator().manual_seed(5)))
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.momentum = 0.1
    torch.save({"model_weights": model.state_dict()}, os.path.join(d, "weights.pt"))
    g = torch.Generator().manual_seed(4)
    for b in batches:
        torch.save({"x": torch.rand(b, 1, 128, 128, generator=g)}, os.path.join(d, f"inputs_b{b}.pt"))


def load_model(d, device):
    model = ref.MorphAEus()
    model.load_state_dict(torch.load(os.path.join(d, "weights.pt"), map_location="cpu")["model_weights"])
    return model.to(device)


def timed(fn, warmup, steps, device):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(steps):
        sync(device)
        t0 = time.perf_counter()
        fn()
        sync(device)
        times.append((time.perf_counter() - t0) * 1000)
    return {"median_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times)}


def memory(device):
    out = {"peak_rss_mib": peak_rss_mib()}
    if device.type == "cuda":
        out["cuda_max_allocated_mib"] = torch.cuda.max_memory_allocated(device) / 1048576.0
    return out


def tuned_perceptual(enc, inp, tgt):
    """The perceptual loss without work that changes nothing: frozen VGG, target without autograd."""
    with torch.no_grad():
        ft = enc(tgt.repeat(1, 3, 1, 1))
    fi = enc(inp.repeat(1, 3, 1, 1))
    return sum(F.mse_loss(i.float(), o.float()) for o, i in zip(ft, fi))


def train_step(d, batch, steps, warmup, device, alfa=ALFA, style="authors", precision="fp32",
               compiled=False):
    tuned = style == "tuned"
    model = load_model(d, device)
    model.eval()  # upstream's trainers train in eval mode (iml-dl never calls .train() again)
    vgg = Vgg19()
    vgg.features.load_state_dict({k[len("features."):]: v for k, v in torch.load(os.path.join(d, "vgg19_random.pth")).items()},
                                 strict=False)
    enc = tr.VGGEncoder(vgg).eval().to(device)  # trainable weights (requires_grad), not optimised: upstream
    x = torch.load(os.path.join(d, f"inputs_b{batch}.pt"))["x"].to(device)
    if tuned:
        enc.requires_grad_(False)
        model = model.to(memory_format=torch.channels_last)
        enc = enc.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
        opt = torch.optim.Adam(model.parameters(), lr=LR, foreach=True)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=LR)
    beta = float(np.clip(BETA_MAX * (EPOCH / MAX_ITER), 1e-3, BETA_MAX))
    bf16 = tuned and precision == "bf16"
    perceptual = tuned_perceptual if tuned else tr.perceptual
    losses = []

    def forward_and_loss():
        # bf16: the networks under autocast, the loss reductions in float32 (the NCC's window
        # sums are convolutions that autocast would otherwise run in bf16: variances < 0).
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
            out = model(x)
            prior, rec, rev, v = [out[k].float() for k in ("x_prior", "y_source", "y_target", "deformation")]
            pl = perceptual(enc, prior, x) if alfa > 0 else None
        loss = F.mse_loss(prior, x)
        if pl is not None:
            loss = loss + alfa * pl
        return loss + DELTA * ((tr.ncc(x, rec) + tr.ncc(prior, rev)) / 2 + beta * tr.reg(v, "gradient-l2"))

    loss_of_step = torch.compile(forward_and_loss) if compiled else forward_and_loss
    first_s = []

    def step():
        t0 = time.perf_counter()
        loss = loss_of_step()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())  # upstream reads every loss back per step
        if not first_s:
            first_s.append(time.perf_counter() - t0)

    t = timed(step, warmup, steps, device)
    extra = {"compile_s": first_s[0]} if compiled else {}
    return {"what": "train-step", "batch": batch, "alfa": alfa,
            "style": style + ("-compiled" if compiled else ""),
            "precision": "bf16" if bf16 else "fp32", "loss": losses[0], **t, **extra, **memory(device)}


def evaluate(d, images, device):
    from skimage.metrics import structural_similarity
    from sklearn.metrics import average_precision_score, roc_auc_score

    model = load_model(d, device).eval()
    g = torch.Generator().manual_seed(5)
    xs = torch.rand(images, 1, 128, 128, generator=g).to(device)
    t0 = time.perf_counter()
    scores, l1s, ssims = [], [], []
    with torch.no_grad():
        for i in range(images):
            x = xs[i:i + 1]
            rec = model(x)["y_source"]
            diff = (rec - x).abs()
            scores.append(diff.mean().item())
            l1s.append(diff.mean().item())
            ssims.append(structural_similarity(rec[0, 0].cpu().numpy(), x[0, 0].cpu().numpy(), data_range=1.0))
    labels = np.arange(images) % 2
    auroc, ap = roc_auc_score(labels, scores), average_precision_score(labels, scores)
    total = time.perf_counter() - t0
    return {"what": "eval", "images": images, "total_s": total, "images_per_s": images / total,
            "auroc": auroc, "ap": ap, **memory(device)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("command", choices=["prepare", "train-step", "eval"])
    p.add_argument("dir")
    p.add_argument("--batches", default="16,64")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--images", type=int, default=256)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--device", default="cpu")
    p.add_argument("--alfa", type=float, default=ALFA)
    p.add_argument("--style", choices=["authors", "tuned"], default="authors")
    p.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    p.add_argument("--compile", action="store_true", help="torch.compile the step (PyTorch 2.x)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    device = torch.device(a.device)
    if a.command == "prepare":
        prepare(a.dir, [int(b) for b in a.batches.split(",")])
        return
    if a.compile and not hasattr(torch, "compile"):
        sys.exit(f"bench_reference.py: --compile needs PyTorch 2.x (this is {torch.__version__})")
    out = (train_step(a.dir, a.batch, a.steps, a.warmup, device, a.alfa, a.style, a.precision, a.compile)
           if a.command == "train-step"
           else evaluate(a.dir, a.images, device))
    out.update({"threads": torch.get_num_threads(), "torch": torch.__version__, "device": str(device)})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
