"""Multi-epoch training references that follow the authors' trainers as they RUN (ci-ber/MorphAEus:
core/Trainer.py, projects/23_morphaeus/{MorphTrainer,Trainer,AAETrainer,SIVAETrainer}.py), for
test_upstream_training.cpp to run `morphaeus` against, from the same initial checkpoint, on the same
PNGs, one batch per epoch:

- model mode: iml-dl's Trainer does `self.model = model.train()` and then
  `self.test_model = deepcopy(model.eval())` on the same object; MorphTrainer, Trainer and
  SIVAETrainer never call .train() again, so they train in eval mode (BatchNorm with its running
  statistics, never updated; the VAE with z = mu). AAETrainer calls .train() on E, G, D, ZD every
  epoch. `train` mode (our training_mode switch) is run for some cases too.
- the beta-VAE samples z in every forward (also in eval mode and validation); SI-VAE's
  model(x, deterministic=False) samples too.
- validation with the model in eval mode; best checkpoint on a strictly lower validation loss;
  EarlyStopping(patience 25) after every validation, except AAETrainer: only after an improvement.
- schedulers stepped with the validation loss: scheduler.step(val_loss) (cosine for the DAE, also
  Adam(amsgrad=True, weight_decay=1e-5); ReduceLROnPlateau for the VAE; SIVAETrainer's
  MultiStepLR(350)); AAETrainer divides every lr by 4 at the start of every 90th epoch.
Where upstream cannot run, our documented rule is followed (docs/METHOD.md section 7): baseline and SI-VAE
validation on the training criterion (upstream reads an unset key), SI-VAE validation with z = mu
(upstream crashes there), the beta-VAE's capacity counter counts training steps, the logged losses
are plain means (upstream starts its sums at 1.0), the DAE's noise shifts come from torch's
generator, and the data order is ours (given in ORDERS: one line of indices per epoch; upstream's
DataLoader would shuffle with torch's generator). torch.manual_seed(2109) right before the first
epoch, as `morphaeus` seeds before training (and after loading a resumed checkpoint).

  upstream_training_reference.py make DIR ORDERS FILM_ORDERS
      DIR/data/CXR/{Normal,Lung_Opacity}/images/*.png and DIR/data/CXR/splits/*.csv (upstream's
      layout: 4 training, 4 validation, 2 + 2 test images), the same under DIR/films (8 film-like
      training images, ordered by FILM_ORDERS), DIR/vgg19_random.pth, and per case
      DIR/<case>/init.pt (upstream's checkpoint layout: model weights and fresh optimiser states
      as torch.optim.Adam writes them) and DIR/<case>/reference.pt: {'epochs': {metric: [per
      epoch]}, 'weights': final state_dict, 'best_epoch': int}; for the resume cases
      DIR/<case>/resume_<variant>.pt (a checkpoint after epoch RESUME_AFTER in PyTorch 1.13's
      layout, in a 2.x layout and with int steps) and DIR/<case>/resumed.pt (the run resumed from it)
"""
import copy
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import adversarial_reference as adv  # noqa: E402
import baselines_reference as base  # noqa: E402
import morphaeus_reference as mref  # noqa: E402
import training_reference as tref  # noqa: E402

SEED = 2109
N_TRAIN, N_VAL = 4, 4
RESUME_AFTER = 1


# ---------------------------------------------------------------- data (upstream's layout)
def write_images(d, n_train, n_val, seed, draw):
    """Upstream's layout under DIR/data/CXR: n_train training, n_val validation, 2 + 2 test images
    of 128 px, each `draw(rng, xx, yy, folder)`, and the split CSVs. Returns the training and
    validation batches as upstream reads them."""
    g = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:128, 0:128] / 127.0
    rows = {}
    for split, n, folder in (("normal_train", n_train, "Normal"), ("normal_val", n_val, "Normal"),
                             ("normal_test", 2, "Normal"), ("opa_test", 2, "Lung_Opacity")):
        os.makedirs(os.path.join(d, "data", "CXR", folder, "images"), exist_ok=True)
        rows[split] = []
        for i in range(n):
            name = f"{folder}-{split}-{i}.png"
            Image.fromarray(np.clip(draw(g, xx, yy, folder) * 255, 0, 255).astype(np.uint8)).save(
                os.path.join(d, "data", "CXR", folder, "images", name))
            rows[split].append(f"./data/CXR/{folder}/images/{name}")
    os.makedirs(os.path.join(d, "data", "CXR", "splits"), exist_ok=True)
    for split, files in rows.items():
        with open(os.path.join(d, "data", "CXR", "splits", f"cxr_{split}.csv"), "w", newline="") as f:
            f.write("filename\r\n" + "".join(p + "\r\n" for p in files))  # CRLF as upstream's
    load = lambda rel: torch.from_numpy(np.asarray(Image.open(os.path.join(d, rel)), dtype=np.float32) / 255)  # noqa
    return (torch.stack([load(p) for p in rows["normal_train"]]).unsqueeze(1),
            torch.stack([load(p) for p in rows["normal_val"]]).unsqueeze(1))


def make_images(d):
    """4 training and 4 validation images: a cosine pattern and noise (opacities: a bright blob)."""
    def draw(g, xx, yy, folder):
        cx, cy = g.uniform(0.3, 0.7, 2)
        img = 0.5 + 0.3 * np.cos(6 * (xx - cx)) * np.cos(5 * (yy - cy)) + 0.08 * g.standard_normal((128, 128))
        if folder == "Lung_Opacity":
            img += 0.4 * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / 0.01)
        return img
    return write_images(d, N_TRAIN, N_VAL, 7, draw)


def make_film_images(d):
    """8 training and 4 validation images that look like films: a body, two darker lungs, noise
    inside the body and flat black borders. Early in training the prior is blurry, the NCC's
    window variances cancel there and float32 moves the deformation loss by up to 3e-3 with the
    order of the window sums (upstream's: convolutions)."""
    def draw(g, xx, yy, folder):
        cx, cy = g.uniform(0.45, 0.55, 2)
        body = np.exp(-(((xx - cx) / 0.42) ** 4 + ((yy - cy) / 0.46) ** 4))
        lungs = sum(np.exp(-(((xx - cx - s * 0.17) / 0.12) ** 2 + ((yy - cy + 0.05) / 0.25) ** 2))
                    for s in (-1, 1))
        img = 0.75 * body - 0.45 * lungs * body + 0.03 * g.standard_normal((128, 128)) * body
        img[(xx < 0.08) | (xx > 0.92)] = 0.0
        return img
    return write_images(d, 8, 4, 11, draw)


# ---------------------------------------------------------------- models and losses
class WoPLM(nn.Module):
    """MorphAEus-woPLM: MorphAEus's encoder and decoder as a plain ConvAutoEncoder."""

    def __init__(self):
        super().__init__()
        self.encoder, self.decoder = mref.Encoder(), mref.Decoder()

    def forward(self, x):
        return self.decoder(self.encoder(x)[0])[0]


def beta_vae_forward(model, x):
    """BetaVAE_H.forward as upstream's: reparameterize always, whatever the mode."""
    d = model.encoder(x)
    mu, logvar = d[:, :model.Z], d[:, model.Z:]
    return model.decoder(mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)), mu, logvar


def new_model(case):
    torch.manual_seed({"morphaeus": 1, "aae": 2, "si-vae": 3}.get(case, 4))
    if case.startswith("morphaeus"):
        m = mref.MorphAEus()
        with torch.no_grad():  # the flow conv's initialisation (upstream's deformer)
            m.deformer.flow.weight.normal_(0, 1e-5)
            m.deformer.flow.bias.zero_()
        return m
    return {"ae-s": base.AES, "ae-d": base.AED, "vae": base.VAE, "b-vae": base.BetaVAE, "dae": base.UNet,
            "baseline": WoPLM, "aae": adv.AAE, "si-vae": adv.SoftIntroVAE}[case.split(":")[0]]()


# ---------------------------------------------------------------- the trainers
class Run:
    """One training run: per-epoch metrics named as `morphaeus` logs them (train_<loss>, val_loss,
    lr), the best epoch, the final weights."""

    def __init__(self, case, model, mode, vgg):
        self.case, self.kind, self.model, self.mode, self.vgg = case, case.split(":")[0], model, mode, vgg
        # MorphAEus' perceptual weight: the config's 0.05, or 0 (--set trainer.params.alfa=0).
        # At alfa 0 `morphaeus` neither computes nor logs the perceptual loss (it does not change
        # training); upstream computes and logs it anyway, so it is not logged here either.
        self.alfa = CASE_ALFA.get(case, 0.05)
        self.epochs = {}
        self.min_val, self.best_epoch, self.stopped = np.inf, -1, False
        self.early = {"best": None, "counter": 0}
        self.beta_iter = 0
        self.optimizers = self.make_optimizers()
        self.scheduler = None
        if self.kind == "dae":
            self.scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(self.optimizers["optimizer_weights"], T_max=100)
        elif self.kind == "vae":
            self.scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(self.optimizers["optimizer_weights"],
                                                                        mode="min", factor=0.1)
        elif self.kind == "si-vae":
            self.scheduler = [torch.optim.lr_scheduler.MultiStepLR(o, milestones=(350,), gamma=0.1)
                              for o in self.optimizers.values()]

    def make_optimizers(self):
        m = self.model
        if self.kind == "aae":
            return adv.aae_optimizers(m)
        if self.kind == "si-vae":
            return adv.soft_intro_optimizers(m)
        if self.kind == "dae":
            return {"optimizer_weights": torch.optim.Adam(m.parameters(), lr=1e-4, amsgrad=True, weight_decay=0.00001)}
        return {"optimizer_weights": torch.optim.Adam(m.parameters(), lr=5e-4)}

    def log(self, key, value):
        self.epochs.setdefault(key, []).append(float(value))

    # -- one batch, as each upstream trainer computes it; returns {our metric name: value}
    def step(self, x, epoch):
        k, m = self.kind, self.model
        if k == "morphaeus":
            out = m(x)
            prior, rec, rev, v = out["x_prior"], out["y_source"], out["y_target"], out["deformation"]
            loss_mse = F.mse_loss(prior, x)
            loss = loss_mse
            if self.alfa != 0:
                loss_pl = tref.perceptual(self.vgg, prior, x)
                loss = loss + self.alfa * loss_pl
            reg = tref.reg(v, "gradient-l2")
            deform = (tref.ncc(x, rec) + tref.ncc(prior, rev)) / 2
            beta = float(np.clip(3 * (epoch / 200), 1e-3, 3))
            if epoch > 10:
                loss = loss + 1 * (deform + beta * reg)
            self.log("beta", beta)
            self.minimise("optimizer_weights", loss)
            logged = {"loss_total": loss, "loss": loss_mse, "loss_reg": reg, "loss_deformation": deform}
            if self.alfa != 0:
                logged["loss_pl"] = loss_pl
            return logged
        if k == "aae":
            return adv.aae_step(m, x, self.optimizers)
        if k == "si-vae":
            return adv.soft_intro_step(m, x, self.optimizers)
        inp = base.coarse_noise(x) if k == "dae" else x
        loss = self.criterion(inp, x, training=True)
        self.minimise("optimizer_weights", loss)
        return {"loss": loss}

    def criterion(self, inp, x, training):
        k, m = self.kind, self.model
        if k == "vae":
            rec, mu, std = m(inp)
            return base.vae_loss(rec, x, mu, std)
        if k == "b-vae":
            if training:
                self.beta_iter += 1
            rec, mu, logvar = beta_vae_forward(m, inp)
            return base.beta_vae_loss(rec, x, mu, logvar, iteration=max(self.beta_iter, 1))
        rec = m(inp)
        return F.mse_loss(rec, x) if k == "baseline" else F.l1_loss(rec, x)

    def minimise(self, key, loss):
        opt = self.optimizers[key]
        opt.zero_grad()
        loss.backward()
        opt.step()

    # -- validation (eval mode, no autograd): the value that decides the best checkpoint
    def validate(self, x):
        k, m = self.kind, self.model
        m.eval()
        with torch.no_grad():
            if k == "morphaeus":  # MorphTrainer.test: Val_loss_mse decides; _prec and _pl logged
                out = m(x)
                v = (F.mse_loss(out["x_prior"], x) + F.mse_loss(out["y_source"], x)) / 2.0
                self.log("val_loss_prec", float(F.mse_loss(out["x_prior"], x)))
                if self.alfa != 0:
                    self.log("val_loss_pl", float(tref.perceptual(self.vgg, out["x_prior"], x)))
            elif k == "aae":
                v = F.binary_cross_entropy(m(x), x) * 2.0
            elif k == "si-vae":
                v = F.mse_loss(m(x, deterministic=True)[0], x)
            else:
                v = self.criterion(x, x, training=False)
        m.train(self.mode == "train")
        return float(v)

    def early_stopping(self, val):  # core/Trainer.py's EarlyStopping(patience=25, min_delta=10e-9)
        e = self.early
        if e["best"] is None:
            e["best"] = val
            return False
        if e["best"] - val > 10e-9:
            e["best"], e["counter"] = val, 0
            return False
        e["counter"] += 1
        if e["counter"] >= 25:
            e["counter"] = 0
            return True
        return False

    def epoch(self, e, x, val_x):
        if self.kind == "aae":
            self.model.train()  # E, G, D, ZD .train() at every epoch
            if (e + 1) % 90 == 0:
                for o in self.optimizers.values():
                    o.param_groups[0]["lr"] /= 4
        self.log("lr", next(iter(self.optimizers.values())).param_groups[0]["lr"])
        for name, value in self.step(x, e).items():
            self.log("train_" + name, float(value))
        val = self.validate(val_x)
        self.log("val_loss", val)
        improved = val < self.min_val
        if improved:
            self.min_val, self.best_epoch = val, e
        if self.kind != "aae" or improved:
            self.stopped = self.early_stopping(val)
        for s in (self.scheduler if isinstance(self.scheduler, list) else [self.scheduler]):
            if s is not None:
                s.step(val)

    def result(self):
        return {"epochs": {k: torch.tensor(v, dtype=torch.float64) for k, v in self.epochs.items()},
                "weights": {k: v.detach().clone() for k, v in self.model.state_dict().items()},
                "best_epoch": self.best_epoch}


def train(case, model, mode, vgg, x, val_x, orders, first, last, states=None):
    if case in FLOAT64:  # the whole run in float64 (`morphaeus ... precision: fp64`)
        model.double()
        vgg, x, val_x = copy.deepcopy(vgg).double(), x.double(), val_x.double()
    r = Run(case, model, mode, vgg)
    if states:
        for key, state in states.items():
            r.optimizers[key].load_state_dict(state)
    model.train(mode == "train")
    torch.manual_seed(SEED)
    for e in range(first, last):
        r.epoch(e, x[orders[e]], val_x)
        if r.stopped:
            break
    return r


# ---------------------------------------------------------------- checkpoints as PyTorch writes them
def layout(state, variant):
    """An Adam state_dict as PyTorch 1.13 writes it (`torch113`), as 2.x does (`torch2`: 'fused'
    and 'differentiable' keys, float hyper-parameters) or with int steps (torch < 1.12)."""
    s = copy.deepcopy(state)
    for g in s["param_groups"]:
        if variant == "torch2":
            g.update({"differentiable": False, "fused": None, "foreach": None, "capturable": False})
            g["weight_decay"] = float(g["weight_decay"])
    for st in s["state"].values():
        if variant == "int_steps":
            st["step"] = int(st["step"].item())
    return s


# The run that found the NCC's rounding: alfa 0, 8 film-like images (make_film_images, under
# DIR/films), batch 8, until the first epoch of the morphology stage.
CASE_ALFA = {"morphaeus:films": 0.0}
FILMS = "morphaeus:films"
CASES = {  # case: (mode, epochs)
    "morphaeus": ("eval", 14), "morphaeus:train": ("train", 14),
    "ae-s": ("eval", 4), "ae-d": ("eval", 4), "vae": ("eval", 4), "vae:train": ("train", 4),
    "b-vae": ("eval", 4), "dae": ("eval", 4), "baseline": ("eval", 4), "aae": ("train", 4),
    "si-vae": ("eval", 3), FILMS: ("eval", 12),
}
RESUME_CASES = ("morphaeus", "aae", "si-vae")
# Train-mode MorphAEus: BatchNorm's statistics of 4 images and the morphology stage amplify float32
# rounding about 15-fold per epoch from epoch 11 (4.5e-4 relative by epoch 13), so this run is
# compared in float64, where both programs compute the same math.
FLOAT64 = ("morphaeus:train",)


def make(d, orders_file, film_orders_file):
    torch.set_num_threads(2)
    x_all, val_x = make_images(d)
    films = make_film_images(os.path.join(d, "films"))
    read_orders = lambda f: [[int(i) for i in line.split()] for line in open(f) if line.strip()]  # noqa
    orders, film_orders = read_orders(orders_file), read_orders(film_orders_file)
    vgg = tref.make_vgg(d)
    for case, (mode, epochs) in CASES.items():
        out = os.path.join(d, case.replace(":", "_"))
        os.makedirs(out, exist_ok=True)
        model = new_model(case)
        init = {k: v.clone() for k, v in model.state_dict().items()}
        fresh = {k: o.state_dict() for k, o in Run(case, model, mode, vgg).optimizers.items()}
        torch.save({"model_weights": init, **fresh}, os.path.join(out, "init.pt"))
        if case == FILMS:
            r = train(case, model, mode, vgg, *films, film_orders, 0, epochs)
        else:
            r = train(case, model, mode, vgg, x_all, val_x, orders, 0, epochs)
        torch.save(r.result(), os.path.join(out, "reference.pt"))
        if case not in RESUME_CASES:
            continue
        # Resumed after epoch RESUME_AFTER from a checkpoint PyTorch wrote (upstream's keys).
        model = new_model(case)
        model.load_state_dict(init)
        r = train(case, model, mode, vgg, x_all, val_x, orders, 0, RESUME_AFTER + 1)
        weights = {k: v.clone() for k, v in model.state_dict().items()}
        states = {k: o.state_dict() for k, o in r.optimizers.items()}
        for variant in ("torch113", "torch2", "int_steps"):
            torch.save({"model_weights": weights, **{k: layout(s, variant) for k, s in states.items()},
                        "epoch": RESUME_AFTER}, os.path.join(out, f"resume_{variant}.pt"))
        model.load_state_dict(weights)
        r = train(case, model, mode, vgg, x_all, val_x, orders, RESUME_AFTER + 1, epochs, copy.deepcopy(states))
        torch.save(r.result(), os.path.join(out, "resumed.pt"))
        if case == "morphaeus":
            write_bad(d, torch.load(os.path.join(out, "resume_torch113.pt")))


def write_bad(d, ckpt):
    """Checkpoints with one bad value each (test: a one-line error naming the file and key)."""
    os.makedirs(os.path.join(d, "bad"), exist_ok=True)

    def edit(name, fn):
        c = copy.deepcopy(ckpt)
        fn(c)
        torch.save(c, os.path.join(d, "bad", name + ".pt"))

    group = lambda c: c["optimizer_weights"]["param_groups"][0]  # noqa: E731
    edit("weight_decay_str", lambda c: group(c).update(weight_decay="zero"))
    edit("betas_short", lambda c: group(c).update(betas=(0.9,)))
    edit("lr_none", lambda c: group(c).update(lr=None))
    edit("step_none", lambda c: c["optimizer_weights"]["state"][0].update(step=None))
    edit("moment_shape", lambda c: c["optimizer_weights"]["state"][0].update(exp_avg=torch.zeros(3)))
    edit("state_key_str", lambda c: c["optimizer_weights"]["state"].update(x=c["optimizer_weights"]["state"].pop(0)))
    edit("groups_dict", lambda c: c["optimizer_weights"].update(param_groups={"lr": 1}))
    edit("no_state", lambda c: c["optimizer_weights"].pop("state"))
    edit("amsgrad_int", lambda c: group(c).update(amsgrad=1))
    edit("epoch_str", lambda c: c.update(epoch="one"))


if __name__ == "__main__":
    make(sys.argv[2], sys.argv[3], sys.argv[4]) if sys.argv[1] == "make" else sys.exit(
        "usage: upstream_training_reference.py make DIR ORDERS FILM_ORDERS")
