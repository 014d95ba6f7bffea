"""Independent PyTorch references of the two baselines with their own multi-optimiser trainers
(docs/METHOD.md section 6), written for our tests from the method description:

- AAE (GPND): E, G, ZD, D with upstream's layer names (the unused extra-layer blocks included),
  ZD initialised N(0, 0.02); per batch D, G, ZD, E+G Adam steps (betas 0.5, 0.999; lr 5e-4),
  z drawn with torch.randn((b, 256)) before each of the first three steps.
- Soft-Intro VAE: residual encoder/decoder with a 1x1 conv_expand exactly where Python's
  `inc is not outc` holds for channel counts read from a YAML list (values above 256 from
  different entries); encoder and decoder Adam steps (lr 5e-5) with the Soft-Intro losses.

  adversarial_reference.py make OUT_DIR   for aae and si-vae: OUT_DIR/<name>.pt with
      'model_weights', 'x', 'eval' (eval-mode reconstruction after torch.manual_seed(5): the
      SI-VAE samples z in eval mode too, as upstream's forward), 'train' (train mode, after
      torch.manual_seed(11)), 'losses': one {name: value} per training step in train mode (two
      steps after torch.manual_seed(11)), 'eval_after' (eval-mode reconstruction after those
      steps and torch.manual_seed(6))
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from morphaeus_reference import randomize_buffers  # noqa: E402


def down(i, o):
    return nn.Conv2d(i, o, 4, 2, 1)


class ConvNet(nn.Module):
    """E (mid = 4d, no sigmoid) and D (mid = 2d, sigmoid), both with all three extra blocks."""

    def __init__(self, d, mid, out, sigmoid):
        super().__init__()
        self.conv1_1, self.conv1_2, self.conv1_bn2 = down(1, d), down(d, d), nn.BatchNorm2d(d)
        self.conv1_3, self.conv1_bn3 = down(d, d), nn.BatchNorm2d(d)
        self.conv2, self.conv2_bn = down(d, mid), nn.BatchNorm2d(mid)
        self.conv3, self.conv3_bn = down(mid, 4 * d), nn.BatchNorm2d(4 * d)
        self.conv4 = nn.Conv2d(4 * d, out, 4)
        self.sigmoid = sigmoid

    def forward(self, x):
        x = F.leaky_relu(self.conv1_1(x), 0.2)
        for c, b in ((self.conv1_2, self.conv1_bn2), (self.conv1_3, self.conv1_bn3), (self.conv2, self.conv2_bn),
                     (self.conv3, self.conv3_bn)):
            x = F.leaky_relu(b(c(x)), 0.2)
        x = self.conv4(x)
        return torch.sigmoid(x) if self.sigmoid else x


class Generator(nn.Module):
    def __init__(self, z, d):
        super().__init__()
        spec = [("deconv1_1", "deconv1_1_bn", z, 4 * d, 1, 0), ("deconv2", "deconv2_bn", 4 * d, 4 * d, 2, 1),
                ("deconv3", "deconv3_bn", 4 * d, 2 * d, 2, 1), ("deconv3_1", "deconv3_bn1", 2 * d, 2 * d, 2, 1),
                ("deconv3_2", "deconv3_bn2", 2 * d, 2 * d, 2, 1)]
        self.order = []
        for conv, bn, i, o, s, p in spec:
            setattr(self, conv, nn.ConvTranspose2d(i, o, 4, s, p))
            setattr(self, bn, nn.BatchNorm2d(o))
            self.order.append((conv, bn))
        self.deconv4 = nn.ConvTranspose2d(2 * d, 1, 4, 2, 1)

    def forward(self, z):
        for conv, bn in self.order:
            z = F.relu(getattr(self, bn)(getattr(self, conv)(z)))
        return torch.tanh(self.deconv4(z)) * 0.5 + 0.5


class ZDisc(nn.Module):
    def __init__(self, z, d):
        super().__init__()
        self.linear1, self.linear2, self.linear3 = nn.Linear(z, d), nn.Linear(d, d), nn.Linear(d, 1)
        for lin in (self.linear1, self.linear2, self.linear3):
            nn.init.normal_(lin.weight, 0, 0.02)
            nn.init.zeros_(lin.bias)

    def forward(self, z):
        return torch.sigmoid(self.linear3(F.leaky_relu(self.linear2(F.leaky_relu(self.linear1(z), 0.2)), 0.2)))


class AAE(nn.Module):
    Z, D_ = 256, 64

    def __init__(self):
        super().__init__()
        self.E = ConvNet(self.D_, 4 * self.D_, self.Z, False)
        self.G = Generator(self.Z, self.D_)
        self.ZD = ZDisc(self.Z, 2 * self.D_)
        self.D = ConvNet(self.D_, 2 * self.D_, 1, True)

    def forward(self, x):
        return self.G(self.E(x))


def aae_optimizers(model, lr=5e-4):
    """AAETrainer.py's four Adams (betas 0.5, 0.999), under its checkpoint keys."""
    adam = lambda params: torch.optim.Adam(params, lr=lr, betas=(0.5, 0.999))  # noqa: E731
    return {"optimizer_E_weights": adam(list(model.E.parameters()) + list(model.G.parameters())),
            "optimizer_G_weights": adam(model.G.parameters()), "optimizer_ZD_weights": adam(model.ZD.parameters()),
            "optimizer_D_weights": adam(model.D.parameters())}


def aae_step(model, x, opts):
    """One batch of AAETrainer.py: D, G, ZD, then E+G steps, z drawn before each of the first three."""
    b, bce = x.shape[0], nn.BCELoss()
    ones, zeros = torch.ones(b), torch.zeros(b)
    opts["optimizer_D_weights"].zero_grad()
    fake = model.G(torch.randn(b, AAE.Z).view(b, AAE.Z, 1, 1)).detach()
    loss_d = bce(model.D(x).view(b), ones) + bce(model.D(fake).view(b), zeros)
    loss_d.backward()
    opts["optimizer_D_weights"].step()
    opts["optimizer_G_weights"].zero_grad()
    loss_g = bce(model.D(model.G(torch.randn(b, AAE.Z).view(b, AAE.Z, 1, 1))).view(b), ones)
    loss_g.backward()
    opts["optimizer_G_weights"].step()
    opts["optimizer_ZD_weights"].zero_grad()
    prior = torch.randn(b, AAE.Z)
    loss_zd = 2.0 * (bce(model.ZD(prior).view(b), ones) + bce(model.ZD(model.E(x).view(b, -1).detach()).view(b), zeros))
    loss_zd.backward()
    opts["optimizer_ZD_weights"].step()
    opts["optimizer_E_weights"].zero_grad()
    z = model.E(x)
    loss_e = bce(model.ZD(z.view(b, -1)).view(b), ones)
    loss_rec = 2.0 * F.binary_cross_entropy(model.G(z), x)
    (loss_rec + loss_e).backward()
    opts["optimizer_E_weights"].step()
    return {"loss_rec": loss_rec.item(), "loss_D": loss_d.item(), "loss_G": loss_g.item(),
            "loss_ZD": loss_zd.item(), "loss_E": loss_e.item()}


def aae_steps(model, x, steps):
    opts = aae_optimizers(model)
    return [aae_step(model, x, opts) for _ in range(steps)]


class ResBlock(nn.Module):
    def __init__(self, i, o, expand):
        super().__init__()
        if expand:
            self.conv_expand = nn.Conv2d(i, o, 1, bias=False)
        self.expand = expand
        self.conv1, self.bn1 = nn.Conv2d(i, o, 3, 1, 1, bias=False), nn.BatchNorm2d(o)
        self.conv2, self.bn2 = nn.Conv2d(o, o, 3, 1, 1, bias=False), nn.BatchNorm2d(o)

    def forward(self, x):
        skip = self.conv_expand(x) if self.expand else x
        h = F.leaky_relu(self.bn1(self.conv1(x)), 0.2)
        return F.leaky_relu(self.bn2(self.conv2(h)) + skip, 0.2)


def distinct(ch, a, b):
    """Upstream's test `inc is not outc` on the channel counts as a YAML loader returns them."""
    return ch[a] is not ch[b]


class SoftIntroVAE(nn.Module):
    CH, Z, SIZE = yaml.safe_load("[64, 128, 256, 512, 512]"), 128, 128  # the paper config's list

    def __init__(self):
        super().__init__()
        ch, size = self.CH, self.SIZE // 2
        self.encoder, self.decoder = nn.Module(), nn.Module()
        enc = nn.Sequential(nn.Conv2d(1, ch[0], 5, 1, 2, bias=False), nn.BatchNorm2d(ch[0]), nn.LeakyReLU(0.2),
                            nn.AvgPool2d(2))
        for i in range(1, len(ch)):
            enc.add_module(f"res_in_{size}", ResBlock(ch[i - 1], ch[i], distinct(ch, i - 1, i)))
            enc.add_module(f"down_to_{size // 2}", nn.AvgPool2d(2))
            size //= 2
        enc.add_module(f"res_in_{size}", ResBlock(ch[-1], ch[-1], False))
        self.encoder.main, self.shape = enc, (ch[-1], size, size)
        self.encoder.fc = nn.Linear(ch[-1] * size * size, 2 * self.Z)
        self.decoder.fc = nn.Sequential(nn.Linear(self.Z, ch[-1] * size * size), nn.ReLU(True))
        dec, prev = nn.Sequential(), len(ch) - 1
        for k in reversed(range(len(ch))):
            dec.add_module(f"res_in_{size}", ResBlock(ch[prev], ch[k], distinct(ch, prev, k)))
            dec.add_module(f"up_to_{size * 2}", nn.Upsample(scale_factor=2, mode="nearest"))
            prev, size = k, size * 2
        dec.add_module(f"res_in_{size}", ResBlock(ch[0], ch[0], False))
        dec.add_module("predict", nn.Conv2d(ch[0], 1, 5, 1, 2))
        dec.add_module("sigmoid", nn.Sigmoid())
        self.decoder.main = dec

    def encode(self, x):
        mu, logvar = self.encoder.fc(self.encoder.main(x).flatten(1)).chunk(2, dim=1)
        return mu, logvar

    def decode(self, z):
        return self.decoder.main(self.decoder.fc(z).view(z.shape[0], *self.shape))

    @staticmethod
    def sample(mu, logvar):
        std = torch.exp(0.5 * logvar)
        return mu + torch.randn_like(std) * std

    def forward(self, x, deterministic=False):  # upstream's: samples unless deterministic
        mu, logvar = self.encode(x)
        z = mu if deterministic else self.sample(mu, logvar)
        return self.decode(z), mu, logvar


def kl(logvar, mu):
    return -0.5 * torch.sum(1 + logvar - logvar.exp() - mu ** 2, dim=1)


def sse(target, rec):
    return ((rec - target) ** 2).flatten(1).sum(1)


def soft_intro_optimizers(model, lr=5e-5):
    """SIVAETrainer.py's encoder and decoder Adams, under its checkpoint keys."""
    return {"optimizer_e_weights": torch.optim.Adam(model.encoder.parameters(), lr=lr),
            "optimizer_d_weights": torch.optim.Adam(model.decoder.parameters(), lr=lr)}


def soft_intro_step(model, x, opts, scale=1.0 / 128 ** 2, beta_rec=1.0, beta_kl=1.0, beta_neg=256.0, gamma_r=1e-8):
    """One batch of SIVAETrainer.py: the encoder step, then the decoder step."""
    opt_e, opt_d = opts["optimizer_e_weights"], opts["optimizer_d_weights"]
    noise = torch.randn(x.shape[0], SoftIntroVAE.Z)
    model.encoder.requires_grad_(True)
    model.decoder.requires_grad_(False)
    fake = model.decode(noise)
    mu, logvar = model.encode(x)
    z = model.sample(mu, logvar)
    rec = model.decode(z)
    loss_rec, kl_real = sse(x, rec).mean(), kl(logvar, mu).mean()
    rr, rr_mu, rr_lv = model(rec.detach())
    rf, rf_mu, rf_lv = model(fake.detach())
    elbo_rec = torch.exp(-2 * scale * (beta_rec * sse(rec, rr) + beta_neg * kl(rr_lv, rr_mu))).mean()
    elbo_fake = torch.exp(-2 * scale * (beta_rec * sse(fake, rf) + beta_neg * kl(rf_lv, rf_mu))).mean()
    loss_e = scale * (beta_rec * loss_rec + beta_kl * kl_real) + 0.25 * (elbo_rec + elbo_fake)
    opt_e.zero_grad()
    loss_e.backward()
    opt_e.step()

    model.encoder.requires_grad_(False)
    model.decoder.requires_grad_(True)
    fake = model.decode(noise)
    rec = model.decode(z.detach())
    loss_rec = sse(x, rec).mean()
    r_mu, r_lv = model.encode(rec)
    z_rec = model.sample(r_mu, r_lv)
    f_mu, f_lv = model.encode(fake)
    z_fake = model.sample(f_mu, f_lv)
    cyc_rec = sse(rec.detach(), model.decode(z_rec.detach())).mean()
    cyc_fake = sse(fake.detach(), model.decode(z_fake.detach())).mean()
    kl_rec, kl_fake = kl(r_lv, r_mu).mean(), kl(f_lv, f_mu).mean()
    loss_d = scale * (beta_rec * loss_rec + 0.5 * beta_kl * (kl_rec + kl_fake) + 0.5 * gamma_r * beta_rec * (cyc_rec + cyc_fake))
    opt_d.zero_grad()
    loss_d.backward()
    opt_d.step()
    model.requires_grad_(True)
    return {"loss_rec": loss_rec.item(), "loss_D": loss_d.item(), "kl_rec": kl_rec.item(),
            "kl_fake": kl_fake.item(), "loss_E": loss_e.item(), "kl_real": kl_real.item(),
            "expelbo_rec": elbo_rec.item(), "expelbo_fake": elbo_fake.item()}


def soft_intro_steps(model, x, steps):
    opts = soft_intro_optimizers(model)
    return [soft_intro_step(model, x, opts) for _ in range(steps)]


def make(out_dir):
    for name, cls, steps_fn, batch in (("aae", AAE, aae_steps, 4), ("si-vae", SoftIntroVAE, soft_intro_steps, 2)):
        torch.manual_seed(0)
        model = cls()
        g = torch.Generator().manual_seed(1)
        with torch.no_grad():
            for n, p in model.named_parameters():
                if p.dim() == 1 and "bn" in n:  # BatchNorm affine parameters away from 1 / 0
                    p.copy_(torch.rand(p.shape, generator=g) * 0.6 + (0.7 if n.endswith("weight") else -0.3))
        randomize_buffers(model, g, 5)
        weights = {k: v.clone() for k, v in model.state_dict().items()}
        x = torch.rand(batch, 1, 128, 128, generator=torch.Generator().manual_seed(2))
        first = (lambda o: o[0]) if cls is SoftIntroVAE else (lambda o: o)  # noqa: E731
        model.eval()
        torch.manual_seed(5)  # the SI-VAE samples z in eval mode too (upstream's forward)
        with torch.no_grad():
            ev = first(model(x))
        model.train()
        torch.manual_seed(11)
        with torch.no_grad():
            tr = first(model(x))
        model.load_state_dict(weights)
        torch.manual_seed(11)
        losses = steps_fn(model, x, 2)
        model.eval()
        torch.manual_seed(6)
        with torch.no_grad():
            after = first(model(x))
        torch.save({"model_weights": weights, "x": x, "eval": ev, "train": tr, "losses": losses, "eval_after": after},
                   os.path.join(out_dir, name + ".pt"))


if __name__ == "__main__":
    make(sys.argv[2]) if sys.argv[1] == "make" else sys.exit("usage: adversarial_reference.py make DIR")
