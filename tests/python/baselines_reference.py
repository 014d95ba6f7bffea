"""Independent PyTorch references of the autoencoder baselines (docs/METHOD.md section 6), written for
our tests: AE-S (ConvAutoEncoder, kernel 5, ConvTranspose decoder, upstream's LeakyReLU(True) =
slope 1.0), AE-D (the same with the dense bottleneck), the VAE (Zimmerer et al.) with its loss
computed by torch.distributions (upstream's sigma-exponentiated-twice included) and the beta-VAE
(BetaVAE_H with the extra block, loss type B with the paper config's gamma 2, capacity 50), and
the DAE (U-Net, depth 4, wf 6, reflection padding, GroupNorm) whose training step sees the coarse
noise drawn from torch's generator after torch.manual_seed(11) (normal noise, then two randint
shifts), L1 against the clean images.

  baselines_reference.py make OUT_DIR   for each model OUT_DIR/<name>.pt: {'model_weights':
                                        state_dict, 'x', 'eval' (after torch.manual_seed(5)),
                                        'train' (after torch.manual_seed(11)), 'after_step':
                                        the state_dict after one Adam step (lr 5e-4; DAE: lr 1e-4,
                                        amsgrad, weight decay 1e-5 as its config) on the L1
                                        loss in train mode (VAE: VAELoss, z sampled after
                                        torch.manual_seed(11)), 'grads' of that step, 'loss'}
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from morphaeus_reference import randomize_buffers  # noqa: E402

ENC = [32, 64, 128, 128]  # channels + [channels[-1]] zipped with four strides
DEC = [128, 64, 32, 32]   # reversed(channels) + [channels[0]]


class Blocks(nn.Module):
    """conv__<kind>_<i> (Conv2d or ConvTranspose2d) + conv__batch_<i>, identity activation."""

    def __init__(self, kind, c_in, outs, transpose):
        super().__init__()
        self.kind, self.n = kind, len(outs)
        for i, c in enumerate(outs):
            conv = (nn.ConvTranspose2d(c_in, c, 5, stride=2, padding=2, output_padding=1) if transpose
                    else nn.Conv2d(c_in, c, 5, stride=2, padding=2))
            setattr(self, f"conv__{kind}_{i}", conv)
            setattr(self, f"conv__batch_{i}", nn.BatchNorm2d(c))
            c_in = c

    def forward(self, x):
        for i in range(self.n):
            x = getattr(self, f"conv__batch_{i}")(getattr(self, f"conv__{self.kind}_{i}")(x))
            x = F.leaky_relu(x, 1.0)  # nn.LeakyReLU(True): negative_slope=True == 1.0
        return x


class Decoder(Blocks):
    def __init__(self):
        super().__init__("decode", 128, DEC, True)
        self.conv__decode_final = nn.Conv2d(32, 1, 1)

    def forward(self, z):
        return torch.sigmoid(self.conv__decode_final(super().forward(z)))


class AES(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Blocks("encode", 1, ENC, False)
        self.decoder = Decoder()

    def forward(self, x):
        return self.decoder(self.encoder(x))


class AED(AES):
    def __init__(self):
        super().__init__()
        self.lin_enc = nn.Conv2d(128, 16, 1)
        self.lin_lay_enc = nn.Linear(1024, 128)
        self.lin_lay_dec = nn.Linear(128, 1024)
        self.lin_dec = nn.Conv2d(16, 128, 1)

    def forward(self, x):
        h = self.lin_enc(self.encoder(x))
        z = self.lin_lay_enc(h.reshape(h.shape[0], -1))
        return self.decoder(self.lin_dec(self.lin_lay_dec(z).reshape(h.shape)))


class Holder(nn.Module):
    def __init__(self, conv):
        super().__init__()
        self.conv = conv


class VAE(nn.Module):
    H, Z = [16, 32, 64, 256, 256], 256

    def __init__(self):
        super().__init__()
        enc = [nn.Conv2d(i, o, 4, 2, 1, bias=False) for i, o in zip([1] + self.H[:-1], self.H)]
        enc.append(nn.Conv2d(self.H[-1], 2 * self.Z, 4, bias=False))  # 128 / 2^5 = 4 -> 1x1
        up = self.H[::-1]
        dec = [nn.ConvTranspose2d(self.Z, up[0], 4, bias=False)]
        dec += [nn.ConvTranspose2d(i, o, 4, 2, 1, bias=False) for i, o in zip(up[:-1], up[1:])]
        dec.append(nn.ConvTranspose2d(up[-1], 1, 4, 2, 1, bias=False))
        for name, convs in (("encoder", enc), ("decoder", dec)):
            part = nn.Module()
            part.start, part.end = Holder(convs[0]), Holder(convs[-1])
            part.middle_blocks = nn.ModuleList([Holder(c) for c in convs[1:-1]])
            setattr(self, name, part)

    @staticmethod
    def run(part, x):
        convs = [part.start.conv] + [m.conv for m in part.middle_blocks] + [part.end.conv]
        for i, c in enumerate(convs):
            x = c(x)
            if i + 1 < len(convs):
                x = F.leaky_relu(x, 0.01)
        return x

    def forward(self, x):
        mu, log_std = torch.chunk(self.run(self.encoder, x), 2, dim=1)
        std = torch.exp(log_std)
        z = torch.distributions.Normal(mu, std).rsample() if self.training else mu
        return self.run(self.decoder, z), mu, std


def vae_loss(rec, x, mu, std_as_logvar):
    """Upstream's VAELoss with rec_log_std 0: the posterior std is exp(std) (the defect)."""
    log_p = torch.distributions.Normal(x, 1.0).log_prob(rec).sum(dim=(1, 2, 3))
    kl = torch.distributions.kl_divergence(torch.distributions.Normal(mu, torch.exp(std_as_logvar)),
                                           torch.distributions.Normal(0, 1.0)).sum(dim=(1, 2, 3))
    return torch.mean(kl - log_p)


class BetaVAE(nn.Module):
    Z = 32

    def __init__(self):
        super().__init__()
        down = [nn.Conv2d(i, 32, 4, 2, 1) for i in (1, 32, 32, 32, 32)]
        enc = []
        for c in down + [nn.Conv2d(32, 256, 4, 1)]:
            enc += [c, nn.ReLU()]
        self.encoder = nn.Sequential(*enc, nn.Flatten(), nn.Linear(256, 2 * self.Z))
        dec = [nn.Linear(self.Z, 256), nn.Unflatten(1, (256, 1, 1)), nn.ReLU(), nn.ConvTranspose2d(256, 32, 4)]
        for _ in range(4):
            dec += [nn.ReLU(), nn.ConvTranspose2d(32, 32, 4, 2, 1)]
        dec += [nn.ReLU(), nn.ConvTranspose2d(32, 1, 4, 2, 1)]
        self.decoder = nn.Sequential(*dec)

    def forward(self, x):
        d = self.encoder(x)
        mu, logvar = d[:, :self.Z], d[:, self.Z:]
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)  # always, as upstream's BetaVAE_H
        return self.decoder(z), mu, logvar


def beta_vae_loss(rec, x, mu, logvar, iteration=1, gamma=2.0, capacity=50.0):
    kld = torch.mean(-0.5 * torch.sum(1 + logvar - mu ** 2 - logvar.exp(), dim=1), dim=0)
    c = min(capacity / 1e5 * iteration, capacity)
    return F.mse_loss(rec, x) + gamma * 0.008 * (kld - c).abs()


class WSConv(nn.Conv2d):
    def forward(self, x):
        w = self.weight - self.weight.mean(dim=(1, 2, 3), keepdim=True)
        w = w / (w.reshape(w.shape[0], -1).std(dim=1).reshape(-1, 1, 1, 1) + 1e-5)
        return F.conv2d(x, w, self.bias)


def groups(c):
    divisors = sorted(d for d in range(1, c + 1) if c % d == 0)
    return divisors[len(divisors) // 2]


def conv_block(i, o):
    layers = []
    for a in (i, o):
        layers += [nn.ReflectionPad2d(1), WSConv(a, o, 3), nn.SiLU(), nn.GroupNorm(groups(o), o)]
    holder = nn.Module()
    holder.block = nn.Sequential(*layers)
    return holder


class UNet(nn.Module):
    def __init__(self, depth=4, wf=6):
        super().__init__()
        ch = [2 ** (wf + i) for i in range(depth)]
        self.down_path = nn.ModuleList([conv_block(i, o) for i, o in zip([1] + ch[:-1], ch)])
        self.up_path = nn.ModuleList()
        for i in reversed(range(depth - 1)):
            up = nn.Module()
            up.up = nn.ConvTranspose2d(ch[i + 1], ch[i], 2, stride=2)
            up.conv_block = conv_block(ch[i + 1], ch[i])
            self.up_path.append(up)
        self.last = nn.Conv2d(ch[0], 1, 1)

    def forward(self, x):
        skips = []
        for i, d in enumerate(self.down_path):
            x = d.block(x)
            skips.append(x)
            if i + 1 < len(self.down_path):
                x = F.avg_pool2d(x, 2)
        for i, u in enumerate(self.up_path):
            x = u.conv_block.block(torch.cat([u.up(x), skips[-i - 2]], 1))
        return self.last(x)


def coarse_noise(x, std=0.2, res=16):
    """GaussianNoise of the DAE, the shifts drawn with torch (upstream: numpy)."""
    ns = torch.normal(0.0, std, size=(x.shape[0], x.shape[1], res, res))
    ry, rx = torch.randint(x.shape[2], (1,)).item(), torch.randint(x.shape[3], (1,)).item()
    ns = F.interpolate(ns, size=x.shape[2:], mode="bilinear", align_corners=True)
    ns = torch.roll(ns, shifts=[ry, rx], dims=[-2, -1])
    return x + ns * (x.sum(dim=1, keepdim=True) > 0.01)


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "batch" in name or (isinstance(model, UNet) and p.dim() == 1 and name.endswith(".weight")):
                p.copy_(torch.rand(p.shape, generator=g) * 0.6 + (0.7 if name.endswith("weight") else -0.3))
            else:
                fan_in = p[0].numel() if p.dim() > 1 else 1
                p.copy_((torch.rand(p.shape, generator=g) * 2 - 1) * ((3.0 / fan_in) ** 0.5 if p.dim() > 1 else 0.1))
    randomize_buffers(model, g, 5)


def make(out_dir):
    for name, cls in (("ae-s", AES), ("ae-d", AED), ("vae", VAE), ("b-vae", BetaVAE), ("dae", UNet)):
        torch.manual_seed(0)
        model = cls()
        randomize(model, 1)
        weights = {k: v.clone() for k, v in model.state_dict().items()}
        x = torch.rand(4, 1, 128, 128, generator=torch.Generator().manual_seed(2))
        model.eval()
        first = (lambda out: out[0]) if cls in (VAE, BetaVAE) else (lambda out: out)
        torch.manual_seed(5)  # the beta-VAE samples z in eval mode too
        with torch.no_grad():
            ev = first(model(x))
        model.train()
        torch.manual_seed(11)
        with torch.no_grad():
            tr = first(model(x))
        model.load_state_dict(weights)  # undo the running-statistics update
        opt = (torch.optim.Adam(model.parameters(), lr=1e-4, weight_decay=1e-5, amsgrad=True) if cls is UNet
               else torch.optim.Adam(model.parameters(), lr=5e-4))
        model.train()
        if cls is VAE:
            torch.manual_seed(11)
            rec, mu, std = model(x)
            loss = vae_loss(rec, x, mu, std)
        elif cls is BetaVAE:
            torch.manual_seed(11)
            rec, mu, logvar = model(x)
            loss = beta_vae_loss(rec, x, mu, logvar)
        elif cls is UNet:
            torch.manual_seed(11)
            loss = F.l1_loss(model(coarse_noise(x)), x)
        else:
            loss = F.l1_loss(model(x), x)
        opt.zero_grad()
        loss.backward()
        grads = {n: p.grad.clone() for n, p in model.named_parameters()}
        opt.step()
        torch.save({"model_weights": weights, "x": x, "eval": ev, "train": tr, "loss": loss.detach(), "grads": grads,
                    "after_step": {k: v.clone() for k, v in model.state_dict().items()}},
                   os.path.join(out_dir, name + ".pt"))


if __name__ == "__main__":
    make(sys.argv[2]) if sys.argv[1] == "make" else sys.exit("usage: baselines_reference.py make DIR")
