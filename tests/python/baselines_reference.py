"""Independent PyTorch references of the autoencoder baselines (METHOD.md section 6), written for
our tests: AE-S (ConvAutoEncoder, kernel 5, ConvTranspose decoder, upstream's LeakyReLU(True) =
slope 1.0) and AE-D (the same with the dense bottleneck).

  baselines_reference.py make OUT_DIR   for each model OUT_DIR/<name>.pt: {'model_weights':
                                        state_dict, 'x', 'eval', 'train' (outputs), 'after_step':
                                        the state_dict after one Adam step (lr 5e-4) on the L1
                                        loss in train mode, 'grads' of that step, 'loss'}
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


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "batch" in name:
                p.copy_(torch.rand(p.shape, generator=g) * 0.6 + (0.7 if name.endswith("weight") else -0.3))
            else:
                fan_in = p[0].numel() if p.dim() > 1 else 1
                p.copy_((torch.rand(p.shape, generator=g) * 2 - 1) * ((3.0 / fan_in) ** 0.5 if p.dim() > 1 else 0.1))
    randomize_buffers(model, g, 5)


def make(out_dir):
    for name, cls in (("ae-s", AES), ("ae-d", AED)):
        torch.manual_seed(0)
        model = cls()
        randomize(model, 1)
        weights = {k: v.clone() for k, v in model.state_dict().items()}
        x = torch.rand(4, 1, 128, 128, generator=torch.Generator().manual_seed(2))
        model.eval()
        with torch.no_grad():
            ev = model(x)
        model.train()
        with torch.no_grad():
            tr = model(x)
        model.load_state_dict(weights)  # undo the running-statistics update
        opt = torch.optim.Adam(model.parameters(), lr=5e-4)
        model.train()
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
