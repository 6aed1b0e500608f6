#!/usr/bin/python3
"""PyTorch peer benchmark for the wgankit WGAN toy loops (8 Gaussians on a ring).

Run with Debian's python (torch 1.13, CPU):

    /usr/bin/python3 bench/peers/torch_wgan_toy.py --mode gp [--threads 2] [--iters 20]
    /usr/bin/python3 bench/peers/torch_wgan_toy.py --critic-step-only [--threads 2] [--iters 100]

Models: generator MLP 2 -> 512 -> 512 -> 512 -> 2 (ReLU), critic 2 -> 512 -> 512 -> 512 -> 1;
batch 256; 5 critic steps per generator step. Target: 8 Gaussians, centres
2*(cos 2pi k/8, sin 2pi k/8), sigma 0.02, everything divided by 1.414.

  --mode gp         ReLU critic, two-sided gradient penalty (lambda 0.1), Adam(1e-4, (0.5, 0.9)) for D and G
  --mode clip       ReLU critic, weights clipped to [-0.01, 0.01] after every critic step, RMSprop(5e-5) for D and G
  --mode groupsort  GroupSort(k=2) critic; after every critic optimizer step every Linear weight is replaced
                    by its Björck orthonormalisation (scale by 1/sqrt(||W||_1 ||W||_inf), 15 iterations,
                    beta 0.5) -- projection mode; plain WGAN loss; Adam(1e-4, (0.5, 0.9)) for D and G.
                    The iteration uses W (W^T W) for tall/square W and (W W^T) W for wide W (same value,
                    smaller Gram matrix); the 512x512 layers dominate: 2 x 15 x 2 GEMMs of 512^3 per step.

The timed region covers --iters generator iterations after --warmup untimed ones; one generator iteration
= 5 critic steps (each: sample real, sample z, G forward without grad, critic loss, backward, optimizer step,
clip/projection) + 1 generator step (G forward, D forward, backward, optimizer step; critic parameters
frozen with requires_grad_(False) during the generator step). critic_steps_per_s = 5 * gen_iters_per_s,
i.e. it includes the generator step's share of the time.

  --mode dcgan      DCGAN pair at 28x28x1 (wgankit's builders, base width 64): generator Linear(64, 128*7*7)
                    + BatchNorm1d + ReLU, ConvTranspose(128->64, 4, 2, 1) + BatchNorm2d + ReLU,
                    ConvTranspose(64->1, 4, 2, 1) + tanh; critic Conv(1->64, 4, 2, 1) + LeakyReLU(0.2),
                    Conv(64->128, 4, 2, 1) + LeakyReLU(0.2), Linear(128*7*7, 1); WGAN-GP lambda 10,
                    Adam(2e-4, (0.5, 0.9)), batch 64, latent 64, 5 critic steps. Real images are uniform
                    noise in [-1, 1] (the speed does not depend on them; wgankit reads Fashion-MNIST).
  --data FILE       (dcgan) hold the images of an IDX file (gzip or not; Fashion-MNIST's 60,000 28x28) in
                    memory as float32 in [-1, 1] and draw the real batches from them, as `wgankit train
                    --data` does: the peak RSS then compares like with like.

--critic-step-only times only the WGAN-GP critic step (D(real), D(fake), D(interpolates) as three separate
forward passes, double backprop through the penalty, Adam step) for the 2-512-512-512-1 ReLU critic at
batch 256, with real/fake batches pre-sampled (no generator cost).

Prints exactly one JSON line on stdout.
"""
import argparse
import json
import math
import resource
import statistics
import time
import warnings

import torch
import torch.nn as nn

BATCH, WIDTH, N_CRITIC = 256, 512, 5


def group_sort(x, k=2):
    n, f = x.shape
    return x.view(n, f // k, k).sort(dim=-1)[0].view(n, f)


class GroupSort(nn.Module):
    def __init__(self, k=2):
        super().__init__()
        self.k = k

    def forward(self, x):
        return group_sort(x, self.k)


def mlp(din, dout, act):
    return nn.Sequential(nn.Linear(din, WIDTH), act(), nn.Linear(WIDTH, WIDTH), act(),
                         nn.Linear(WIDTH, WIDTH), act(), nn.Linear(WIDTH, dout))


@torch.no_grad()
def bjorck_(lin, iters=15, beta=0.5):
    W = lin.weight
    s = torch.sqrt(W.abs().sum(dim=0).max() * W.abs().sum(dim=1).max())
    W = W / s
    tall = W.shape[0] >= W.shape[1]
    for _ in range(iters):
        # W (W^T W) == (W W^T) W; use the association whose Gram matrix is min(out,in)^2
        W = (1 + beta) * W - beta * (W @ (W.t() @ W) if tall else (W @ W.t()) @ W)
    lin.weight.copy_(W)


CENTRES = torch.tensor([[2 * math.cos(2 * math.pi * k / 8), 2 * math.sin(2 * math.pi * k / 8)] for k in range(8)])


def sample_real(n):
    idx = torch.randint(0, 8, (n,))
    return (CENTRES[idx] + 0.02 * torch.randn(n, 2)) / 1.414


def gradient_penalty(D, real, fake):
    alpha = torch.rand(real.shape[0], *([1] * (real.dim() - 1)))
    xhat = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    g = torch.autograd.grad(D(xhat).sum(), xhat, create_graph=True)[0]
    return ((g.flatten(1).norm(2, dim=1) - 1) ** 2).mean()


class Reshape(nn.Module):
    def __init__(self, *shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.view(x.shape[0], *self.shape)


def dcgan28(w=64, latent=64):
    G = nn.Sequential(nn.Linear(latent, 2 * w * 7 * 7), nn.BatchNorm1d(2 * w * 7 * 7), nn.ReLU(), Reshape(2 * w, 7, 7),
                      nn.ConvTranspose2d(2 * w, w, 4, 2, 1), nn.BatchNorm2d(w), nn.ReLU(),
                      nn.ConvTranspose2d(w, 1, 4, 2, 1), nn.Tanh())
    D = nn.Sequential(nn.Conv2d(1, w, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(w, 2 * w, 4, 2, 1), nn.LeakyReLU(0.2),
                      nn.Flatten(), nn.Linear(2 * w * 7 * 7, 1))
    return G, D


# per mode: batch, latent dimension, gradient-penalty weight (0 = none)
SETTINGS = {"gp": (BATCH, 2, 0.1), "clip": (BATCH, 2, 0), "groupsort": (BATCH, 2, 0), "dcgan": (64, 64, 10.0)}


def load_idx_images(path):
    """IDX images (ubyte, n x 28 x 28) as a float32 tensor [n, 1, 28, 28] scaled to [-1, 1]."""
    import gzip
    import numpy as np
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        raw = f.read()
    n, h, w = (int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(3))
    with warnings.catch_warnings():  # read-only bytes: .float() copies, nothing writes to them
        warnings.simplefilter("ignore")
        x = torch.from_numpy(np.frombuffer(raw, np.uint8, n * h * w, 16).reshape(n, 1, h, w)).float()
    del raw
    return x.mul_(2.0 / 255).sub_(1)


DATA = None  # set by --data: the dcgan real images


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def build(mode):
    if mode == "dcgan":
        G, D = dcgan28()
        return (G, D, torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.9)),
                torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.9)))
    G = mlp(2, 2, nn.ReLU)
    D = mlp(2, 1, (lambda: GroupSort(2)) if mode == "groupsort" else nn.ReLU)
    if mode == "clip":
        optD = torch.optim.RMSprop(D.parameters(), lr=5e-5)
        optG = torch.optim.RMSprop(G.parameters(), lr=5e-5)
    else:
        optD = torch.optim.Adam(D.parameters(), lr=1e-4, betas=(0.5, 0.9))
        optG = torch.optim.Adam(G.parameters(), lr=1e-4, betas=(0.5, 0.9))
    if mode == "groupsort":
        for m in D:
            if isinstance(m, nn.Linear):
                bjorck_(m)
    return G, D, optD, optG


def gen_iteration(mode, G, D, optD, optG):
    batch, latent, lam = SETTINGS[mode]
    for p in D.parameters():
        p.requires_grad_(True)
    for _ in range(N_CRITIC):
        if mode != "dcgan":
            real = sample_real(batch)
        elif DATA is not None:
            real = DATA[torch.randint(0, DATA.shape[0], (batch,))]
        else:
            real = torch.rand(batch, 1, 28, 28) * 2 - 1
        with torch.no_grad():
            fake = G(torch.randn(batch, latent))
        optD.zero_grad(set_to_none=True)
        loss = D(fake).mean() - D(real).mean()
        if lam > 0:
            loss = loss + lam * gradient_penalty(D, real, fake)
        loss.backward()
        optD.step()
        if mode == "clip":
            with torch.no_grad():
                for p in D.parameters():
                    p.clamp_(-0.01, 0.01)
        elif mode == "groupsort":
            for m in D:
                if isinstance(m, nn.Linear):
                    bjorck_(m)
    for p in D.parameters():
        p.requires_grad_(False)
    optG.zero_grad(set_to_none=True)
    lossG = -D(G(torch.randn(batch, latent))).mean()
    lossG.backward()
    optG.step()
    return float(loss), float(lossG)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=sorted(SETTINGS), default="gp")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--iters", type=int, default=None,
                    help="timed generator iterations (default 20), or timed critic steps with --critic-step-only (default 100)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed warm-up iterations (default 3)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeats", type=int, default=1,
                    help="repeat the timed block R times and report the median rate (default 1); the JSON also "
                         "carries every repeat's rate")
    ap.add_argument("--critic-step-only", action="store_true")
    ap.add_argument("--data", help="(dcgan) IDX image file held in memory as float32, real batches drawn from it")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    if a.critic_step_only:
        iters = a.iters or 100
        D = mlp(2, 1, nn.ReLU)
        G = mlp(2, 2, nn.ReLU)
        opt = torch.optim.Adam(D.parameters(), lr=1e-4, betas=(0.5, 0.9))
        real = sample_real(BATCH)
        with torch.no_grad():
            fake = G(torch.randn(BATCH, 2))

        def step():
            opt.zero_grad(set_to_none=True)
            loss = D(fake).mean() - D(real).mean() + 0.1 * gradient_penalty(D, real, fake)
            loss.backward()
            opt.step()

        for _ in range(max(a.warmup, 1) * N_CRITIC):
            step()
        rates = []
        for _ in range(a.repeats):
            t0 = time.perf_counter()
            for _ in range(iters):
                step()
            rates.append(iters / (time.perf_counter() - t0))
        print(json.dumps({"mode": "critic_step_gp", "critic_steps_per_s": round(statistics.median(rates), 3),
                          "threads": a.threads, "peak_rss_mb": round(peak_rss_mb(), 1), "steps": iters,
                          "repeats": [round(r, 3) for r in rates], "batch": BATCH, "torch": torch.__version__}))
        return 0

    iters = a.iters or 20
    if a.data and a.mode == "dcgan":
        global DATA
        DATA = load_idx_images(a.data)
    G, D, optD, optG = build(a.mode)
    for _ in range(a.warmup):
        gen_iteration(a.mode, G, D, optD, optG)
    rates = []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        for _ in range(iters):
            gen_iteration(a.mode, G, D, optD, optG)
        rates.append(iters / (time.perf_counter() - t0))
    r = statistics.median(rates)
    print(json.dumps({"mode": a.mode, "gen_iters_per_s": round(r, 3),
                      "critic_steps_per_s": round(N_CRITIC * r, 3), "threads": a.threads,
                      "peak_rss_mb": round(peak_rss_mb(), 1), "iters": iters,
                      "repeats": [round(x, 3) for x in rates], "batch": SETTINGS[a.mode][0], "torch": torch.__version__,
                      "data_held": DATA is not None}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
