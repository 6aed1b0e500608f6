#!/usr/bin/python3
"""Generate the PyTorch reference fixtures the C tests load: tests/fixtures/core/<case>/*.npy.

Run with Debian's python (torch 1.13, numpy):  /usr/bin/python3 tests/reference/make_fixtures.py
(or `make fixtures`). Deterministic: every case seeds its own torch.Generator, torch runs on one
thread, and the output files are byte-identical from run to run on the same torch version.

Conventions
-----------
* Inputs, weights, labels, random cotangents R: drawn in float32 and stored as float32 NPY
  (labels as int64). Reference outputs and gradients: computed by torch in float64 from those
  exact float32 values and stored as float64 NPY ('<f8').
* Scalars (losses, penalties) are stored as arrays of shape [1].
* Parameter files are named after the PyTorch module path with '.' replaced by '_'
  (e.g. `l1_weight.npy`); the gradient of a quantity Q w.r.t. parameter P is `grad<Q>_<P>.npy`.
* Every case directory has a manifest.json (hyper-parameters + the list of files with shape,
  dtype and meaning); tests/fixtures/core/README.md is generated from the same descriptions.
* A self-test (gradcheck / gradgradcheck in float64, plus independent NumPy re-implementations
  of the optimizers and of the Björck reparametrisation) runs before anything is written;
  the script exits non-zero if any check fails.
"""
import json
import math
import os
import shutil
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "fixtures", "core"))
F32, F64 = torch.float32, torch.float64


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------
class Case:
    """Collects arrays + descriptions for one fixture directory."""

    def __init__(self, name, summary, hyper):
        self.name, self.summary, self.hyper = name, summary, hyper
        self.files = []  # (fname, ndarray, description)

    def add(self, fname, t, desc):
        if isinstance(t, torch.Tensor):
            t = t.detach().cpu()
            if t.dtype == F32:
                a = t.numpy().astype("<f4")
            elif t.dtype == F64:
                a = t.numpy().astype("<f8")
            elif t.dtype == torch.int64:
                a = t.numpy().astype("<i8")
            else:
                raise TypeError(t.dtype)
        else:
            a = np.asarray(t)
        if a.ndim == 0:
            a = a.reshape(1)
        if any(f[0] == fname for f in self.files):
            raise ValueError("duplicate file %s/%s" % (self.name, fname))
        self.files.append((fname, np.ascontiguousarray(a), desc))

    def write(self):
        d = os.path.join(ROOT, self.name)
        if os.path.isdir(d):
            shutil.rmtree(d)
        os.makedirs(d)
        for fname, a, _ in self.files:
            np.save(os.path.join(d, fname + ".npy"), a, allow_pickle=False)
        man = {
            "case": self.name,
            "summary": self.summary,
            "generator": "tests/reference/make_fixtures.py (torch %s)" % torch.__version__.split("+")[0],
            "hyper": self.hyper,
            "files": [
                {"file": f + ".npy", "shape": list(a.shape), "dtype": a.dtype.str, "meaning": desc}
                for f, a, desc in self.files
            ],
        }
        with open(os.path.join(d, "manifest.json"), "w") as fh:
            json.dump(man, fh, indent=1, sort_keys=False)
            fh.write("\n")
        return sum(os.path.getsize(os.path.join(d, f + ".npy")) for f, _, _ in self.files)


def gen(seed):
    g = torch.Generator()
    g.manual_seed(seed)
    return g


def randn(g, *shape, scale=1.0):
    return (torch.randn(*shape, generator=g, dtype=F32) * scale).to(F32)


def rand(g, *shape, lo=0.0, hi=1.0):
    return (torch.rand(*shape, generator=g, dtype=F32) * (hi - lo) + lo).to(F32)


def pname(n):
    return n.replace(".", "_")


def d64(t):
    """float32 tensor -> float64 leaf holding exactly the same values."""
    return t.detach().to(F64).clone()


def group_sort(x, k):
    """LNets group_sort: groups of k consecutive features (last axis for 2-D, channel axis for
    4-D), each sorted ascending."""
    if x.dim() == 2:
        n, f = x.shape
        assert f % k == 0
        return x.view(n, f // k, k).sort(dim=-1)[0].view(n, f)
    if x.dim() == 4:
        n, c, h, w = x.shape
        assert c % k == 0
        return x.view(n, c // k, k, h, w).sort(dim=2)[0].view(n, c, h, w)
    raise ValueError


class GroupSort(nn.Module):
    def __init__(self, k):
        super().__init__()
        self.k = k

    def forward(self, x):
        return group_sort(x, self.k)


def mlp(widths, act_factory):
    """nn.Sequential-like MLP with named layers l1, l2, ... and activations between them."""
    m = nn.Module()
    m.layers = []
    for i in range(len(widths) - 1):
        lin = nn.Linear(widths[i], widths[i + 1])
        setattr(m, "l%d" % (i + 1), lin)
    m.n = len(widths) - 1
    m.act = act_factory

    def forward(x):
        for i in range(1, m.n + 1):
            x = getattr(m, "l%d" % i)(x)
            if i < m.n:
                x = m.act(x)
        return x

    m.forward = forward
    return m


def grads_or_zero(q, ps):
    """dq/dp for every p; a parameter q does not depend on (e.g. the last bias for the penalty)
    gets an explicit zero gradient."""
    gr = torch.autograd.grad(q, ps, retain_graph=True, allow_unused=True)
    return [torch.zeros_like(p) if gg is None else gg for p, gg in zip(ps, gr)]


def wgan_gp_terms(D, real, fake, alpha, lam):
    """Everything the WGAN-GP critic loss is made of (float64 inputs, D in float64)."""
    xhat = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    d_real, d_fake, d_xhat = D(real), D(fake), D(xhat)
    g = torch.autograd.grad(d_xhat.sum(), xhat, create_graph=True)[0]
    gn = g.norm(2, dim=1)
    gp = ((gn - 1) ** 2).mean()
    gp_one = (torch.clamp(gn - 1, min=0) ** 2).mean()
    loss = d_fake.mean() - d_real.mean() + lam * gp
    return dict(xhat=xhat, d_real=d_real, d_fake=d_fake, d_xhat=d_xhat, g=g, gnorm=gn, gp=gp,
                gp_one_sided=gp_one, loss=loss)


# ----------------------------------------------------------------------------------------------
# case: gp_relu_critic
# ----------------------------------------------------------------------------------------------
def case_gp_relu_critic():
    lam, n = 0.1, 8
    torch.manual_seed(1001)
    D = mlp([2, 64, 64, 1], F.relu)  # torch default init (kaiming-uniform weights, uniform bias)
    g = gen(1002)
    real = randn(g, n, 2, scale=2.0)
    fake = randn(g, n, 2, scale=2.0)
    alpha = rand(g, n, 1)
    c = Case("gp_relu_critic",
             "WGAN-GP critic loss of a 2-64-64-1 ReLU MLP, with double backprop to the parameters.",
             {"widths": [2, 64, 64, 1], "activation": "relu", "lambda": lam, "batch": n,
              "init": "torch default nn.Linear init, torch.manual_seed(1001)",
              "sub_case_scaled": "files suffixed _scaled: the same critic with l1/l2/l3 weights multiplied by 2.2 "
                                 "(float32, stored as l*_weight_scaled; biases unchanged) so that ||g|| straddles 1 "
                                 "(with default init all ||g|| ~ 0.1 and gp_one_sided = 0 exactly)",
              "inputs": "real, fake ~ 2*N(0,1); alpha ~ U[0,1)",
              "formulas": {
                  "xhat": "alpha*real + (1-alpha)*fake (alpha broadcast over the 2 columns)",
                  "g": "d(sum_i D(xhat_i))/d xhat",
                  "gp": "mean_i (||g_i||_2 - 1)^2",
                  "gp_one_sided": "mean_i max(0, ||g_i||_2 - 1)^2",
                  "loss": "mean D(fake) - mean D(real) + lambda*gp"}})
    params = list(D.named_parameters())
    for nm, p in params:
        c.add(pname(nm), p.data, "parameter %s (float32, the values the references use)" % nm)
    c.add("real", real, "real batch [8,2]")
    c.add("fake", fake, "fake batch [8,2]")
    c.add("alpha", alpha, "interpolation weights [8,1]")
    D.double()
    t = wgan_gp_terms(D, d64(real), d64(fake), d64(alpha), lam)
    c.add("xhat", t["xhat"], "interpolates alpha*real+(1-alpha)*fake")
    c.add("d_real", t["d_real"], "D(real) [8,1]")
    c.add("d_fake", t["d_fake"], "D(fake) [8,1]")
    c.add("d_xhat", t["d_xhat"], "D(xhat) [8,1]")
    c.add("g", t["g"], "input gradient d sum D(xhat) / d xhat [8,2]")
    c.add("gnorm", t["gnorm"], "||g_i||_2 per row [8]")
    c.add("gp", t["gp"], "two-sided penalty mean (||g||-1)^2 (without lambda)")
    c.add("gp_one_sided", t["gp_one_sided"], "one-sided penalty mean max(0,||g||-1)^2 (without lambda)")
    c.add("loss", t["loss"], "critic loss mean D(fake) - mean D(real) + 0.1*gp")
    ps = [p for _, p in D.named_parameters()]
    for q in ("loss", "gp", "gp_one_sided"):
        grads = grads_or_zero(t[q], ps)
        for (nm, _), gr in zip(D.named_parameters(), grads):
            c.add("grad%s_%s" % (q, pname(nm)), gr, "d %s / d %s (double backprop)" % (q, nm))
    # Sub-case "_scaled": every weight matrix multiplied by 2.2 (in float32, biases unchanged) so the
    # per-row gradient norms straddle 1 and the one-sided penalty is non-trivial.
    D.float()
    with torch.no_grad():
        for i in (1, 2, 3):
            getattr(D, "l%d" % i).weight.mul_(2.2)
    for nm, p in D.named_parameters():
        if nm.endswith("weight"):
            c.add(pname(nm) + "_scaled", p.data, "2.2 * %s in float32 (sub-case _scaled; biases unchanged)" % nm)
    D.double()
    t = wgan_gp_terms(D, d64(real), d64(fake), d64(alpha), lam)
    for q in ("d_real", "d_fake", "d_xhat", "g", "gnorm", "gp", "gp_one_sided", "loss"):
        c.add(q + "_scaled", t[q], "%s with the 2.2x weights (same inputs)" % q)
    ps = [p for _, p in D.named_parameters()]
    for q in ("loss", "gp", "gp_one_sided"):
        grads = grads_or_zero(t[q], ps)
        for (nm, _), gr in zip(D.named_parameters(), grads):
            c.add("grad%s_%s_scaled" % (q, pname(nm)), gr, "d %s / d %s, 2.2x weights" % (q, nm))
    return c


# ----------------------------------------------------------------------------------------------
# case: groupsort_mlp
# ----------------------------------------------------------------------------------------------
def case_groupsort_mlp():
    lam = 0.1
    torch.manual_seed(2001)
    g = gen(2002)
    D = mlp([2, 64, 64, 1], None)
    x = randn(g, 16, 2, scale=2.0)
    r = randn(g, 16, 1)
    real = randn(g, 8, 2, scale=2.0)
    fake = randn(g, 8, 2, scale=2.0)
    alpha = rand(g, 8, 1)
    c = Case("groupsort_mlp",
             "2-64-64-1 MLP with GroupSort after each hidden Linear (plain weights), k=2 and k=4: "
             "forward, VJP, and the WGAN-GP penalty with its double-backprop parameter gradients.",
             {"widths": [2, 64, 64, 1], "activation": "GroupSort(k) after l1 and l2; no activation after l3",
              "group_sort": "x.view(N, F//k, k).sort(dim=-1)[0].view(N, F) (ascending, consecutive groups)",
              "k": [2, 4], "lambda": lam,
              "init": "torch default nn.Linear init, torch.manual_seed(2001); the same weights and inputs "
                      "are used for k=2 (files without suffix) and k=4 (files suffixed _k4)",
              "vjp": "grads of sum(out * r) w.r.t. x and every parameter",
              "gp": "same definitions as gp_relu_critic: xhat = alpha*real+(1-alpha)*fake, "
                    "gp = mean (||dD/dxhat||-1)^2, loss = mean D(fake) - mean D(real) + lambda*gp"})
    for nm, p in D.named_parameters():
        c.add(pname(nm), p.data, "parameter %s" % nm)
    c.add("x", x, "input batch [16,2] (2*N(0,1))")
    c.add("r", r, "random cotangent for the VJP [16,1]")
    c.add("real", real, "real batch for the penalty [8,2]")
    c.add("fake", fake, "fake batch for the penalty [8,2]")
    c.add("alpha", alpha, "interpolation weights [8,1]")
    D.double()
    ps = [p for _, p in D.named_parameters()]
    for k, suf in ((2, ""), (4, "_k4")):
        D.act = (lambda kk: (lambda h: group_sort(h, kk)))(k)
        xx = d64(x).requires_grad_(True)
        out = D(xx)
        gr = torch.autograd.grad((out * d64(r)).sum(), [xx] + ps)
        c.add("out" + suf, out, "D(x), k=%d [16,1]" % k)
        c.add("gradvjp_x" + suf, gr[0], "d sum(D(x)*r) / d x, k=%d" % k)
        for (nm, _), gg in zip(D.named_parameters(), gr[1:]):
            c.add("gradvjp_%s%s" % (pname(nm), suf), gg, "d sum(D(x)*r) / d %s, k=%d" % (nm, k))
        t = wgan_gp_terms(D, d64(real), d64(fake), d64(alpha), lam)
        for q in ("d_real", "d_fake", "d_xhat", "g", "gp", "gp_one_sided", "loss"):
            c.add(q + suf, t[q], "%s for the GroupSort k=%d critic (see gp_relu_critic)" % (q, k))
        for q in ("gp", "loss"):
            grads = grads_or_zero(t[q], ps)
            for (nm, _), gg in zip(D.named_parameters(), grads):
                c.add("grad%s_%s%s" % (q, pname(nm), suf), gg,
                      "d %s / d %s, k=%d (double backprop through GroupSort)" % (q, nm, k))
    return c


# ----------------------------------------------------------------------------------------------
# case: bjorck
# ----------------------------------------------------------------------------------------------
def bjorck(W, iters=15, beta=0.5):
    """Differentiable: scale by 1/sqrt(||W||_1 ||W||_inf), then iters first-order Björck steps."""
    n1 = W.abs().sum(dim=0).max()   # max column abs sum
    ninf = W.abs().sum(dim=1).max()  # max row abs sum
    W = W / torch.sqrt(n1 * ninf)
    for _ in range(iters):
        W = (1 + beta) * W - beta * W @ (W.t() @ W)
    return W


def bjorck_np(W, iters=15, beta=0.5):
    W = np.asarray(W, dtype=np.float64)
    W = W / math.sqrt(np.abs(W).sum(0).max() * np.abs(W).sum(1).max())
    for _ in range(iters):
        W = (1 + beta) * W - beta * W @ (W.T @ W)
    return W


def case_bjorck():
    g = gen(3001)
    c = Case("bjorck",
             "First-order Björck orthonormalisation as a differentiable reparametrisation.",
             {"iters": 15, "beta": 0.5,
              "scaling": "W0 = W / sqrt(||W||_1 * ||W||_inf), ||W||_1 = max column abs sum, "
                         "||W||_inf = max row abs sum (scaling is part of the differentiated graph)",
              "iteration": "W <- (1+beta) W - beta W (W^T W), same formula for tall and wide",
              "inputs": "W = 5*N(0,1); R = N(0,1)",
              "grad": "d sum(result * R) / d W through the scaling and all 15 iterations"})
    for nm, shape in (("tall", (64, 32)), ("wide", (32, 64))):
        W = randn(g, *shape, scale=5.0)
        R = randn(g, *shape)
        c.add("w_" + nm, W, "input W %s %s" % (nm, list(shape)))
        c.add("r_" + nm, R, "cotangent R %s" % list(shape))
        Wd = d64(W).requires_grad_(True)
        n1 = Wd.abs().sum(dim=0).max()
        ninf = Wd.abs().sum(dim=1).max()
        c.add("w0_" + nm, (Wd / torch.sqrt(n1 * ninf)), "scaled start W0 = W/sqrt(||W||_1||W||_inf)")
        out = bjorck(Wd)
        (gW,) = torch.autograd.grad((out * d64(R)).sum(), Wd)
        c.add("out_" + nm, out, "result after 15 iterations")
        c.add("grad_" + nm, gW, "d sum(out*R) / d W")
        sv = torch.linalg.svdvals(out.detach())
        c.add("sv_" + nm, sv, "singular values of the result (diagnostic)")
        c.hyper["sigma_max_input_" + nm] = float(torch.linalg.svdvals(d64(W))[0])
        c.hyper["sv_range_result_" + nm] = [float(sv.min()), float(sv.max())]
    return c


# ----------------------------------------------------------------------------------------------
# case: dcgan28
# ----------------------------------------------------------------------------------------------
class Gen28(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 32 * 7 * 7)
        self.bn0 = nn.BatchNorm1d(32 * 7 * 7)
        self.dc1 = nn.ConvTranspose2d(32, 16, 4, 2, 1)
        self.bn1 = nn.BatchNorm2d(16)
        self.dc2 = nn.ConvTranspose2d(16, 1, 4, 2, 1)

    def forward(self, z):
        h = F.relu(self.bn0(self.fc(z))).view(-1, 32, 7, 7)
        h = F.relu(self.bn1(self.dc1(h)))
        return torch.tanh(self.dc2(h))


class Crit28(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 16, 4, 2, 1)
        self.c2 = nn.Conv2d(16, 32, 4, 2, 1)
        self.bn2 = nn.BatchNorm2d(32)
        self.fc = nn.Linear(32 * 7 * 7, 1)

    def forward(self, x):
        h = F.leaky_relu(self.c1(x), 0.2)
        h = F.leaky_relu(self.bn2(self.c2(h)), 0.2)
        return self.fc(h.flatten(1))


def dcgan_init(m, g):
    for mod in m.modules():
        if isinstance(mod, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            with torch.no_grad():
                mod.weight.copy_(randn(g, *mod.weight.shape, scale=0.02))
                mod.bias.copy_(randn(g, *mod.bias.shape, scale=0.02))
        elif isinstance(mod, (nn.BatchNorm1d, nn.BatchNorm2d)):
            with torch.no_grad():
                mod.weight.copy_(1.0 + randn(g, *mod.weight.shape, scale=0.02))
                mod.bias.zero_()


def case_dcgan28():
    g = gen(4001)
    G, D = Gen28(), Crit28()
    dcgan_init(G, g)
    dcgan_init(D, g)
    z = randn(g, 4, 16)
    x_real = rand(g, 4, 1, 28, 28, lo=-1.0, hi=1.0)
    c = Case("dcgan28",
             "DCGAN-style generator/critic pair at 28x28 with batch norm (training mode): forward, "
             "critic and generator losses, parameter gradients, BN running stats.",
             {"generator": "z[4,16] -> fc Linear(16,1568) -> bn0 BatchNorm1d(1568) -> ReLU -> view [4,32,7,7] "
                           "-> dc1 ConvTranspose2d(32,16,4,stride=2,pad=1) -> bn1 BatchNorm2d(16) -> ReLU "
                           "-> dc2 ConvTranspose2d(16,1,4,2,1) -> tanh -> [4,1,28,28]",
              "critic": "x[4,1,28,28] -> c1 Conv2d(1,16,4,2,1) -> LeakyReLU(0.2) -> c2 Conv2d(16,32,4,2,1) "
                        "-> bn2 BatchNorm2d(32) -> LeakyReLU(0.2) -> flatten (C-order, [4,1568]) -> fc Linear(1568,1)",
              "bias": "every Linear/Conv/ConvTranspose layer has a bias (PyTorch default bias=True)",
              "init": "conv/linear weights AND biases ~ N(0,0.02); BN weight ~ 1+N(0,0.02); BN bias = 0; "
                      "BN running_mean = 0, running_var = 1 initially",
              "bn": {"eps": 1e-5, "momentum": 0.1, "mode": "training (batch statistics, biased variance "
                     "for normalisation, unbiased variance n/(n-1) for running_var)"},
              "sequence": [
                  "1. fake = G(z)                 (generator BN layers: one update)",
                  "2. d_real = D(x_real)          (critic bn2: first update, statistics of the real batch)",
                  "3. d_fake = D(fake)            (critic bn2: second update, statistics of the fake batch)",
                  "   real and fake go through D as two separate batches of 4, never concatenated",
                  "4. loss_d = mean d_fake - mean d_real; gradients w.r.t. critic params only "
                  "(identical to using fake.detach())",
                  "5. loss_g = -mean d_fake; gradients w.r.t. generator params (through the same D forward, "
                  "no extra forward pass)"],
              "running_stats": "generator bn0/bn1 after exactly 1 update: rm = 0.1*mean_B, "
                               "rv = 0.9*1 + 0.1*var_unbiased_B. Critic bn2 after exactly 2 updates "
                               "(real then fake): rm = 0.9*(0.1*m_real) + 0.1*m_fake, "
                               "rv = 0.9*(0.9 + 0.1*v_real) + 0.1*v_fake (v unbiased). "
                               "num_batches_tracked: G 1, D 2.",
              "inputs": "z ~ N(0,1); x_real ~ U[-1,1)",
              "expected_zeros": "biases feeding a training-mode BN (g fc.bias, g dc1.bias, d c2.bias) have "
                                "gradient ~0 (rounding level, ~1e-14); d fc.bias gradient of loss_d is exactly 0 "
                                "(mean fake - mean real cancels it)"})
    for pre, m in (("g", G), ("d", D)):
        for nm, p in m.named_parameters():
            c.add("%s_%s" % (pre, pname(nm)), p.data, "%s parameter %s" % ("generator" if pre == "g" else "critic", nm))
    c.add("z", z, "latent batch [4,16]")
    c.add("x_real", x_real, "real images [4,1,28,28] in [-1,1)")
    G.double().train()
    D.double().train()
    fake = G(d64(z))
    d_real = D(d64(x_real))
    d_fake = D(fake)
    loss_d = d_fake.mean() - d_real.mean()
    loss_g = -d_fake.mean()
    c.add("g_z", fake, "G(z) [4,1,28,28]")
    c.add("d_real", d_real, "D(x_real) [4,1]")
    c.add("d_fake", d_fake, "D(G(z)) [4,1]")
    c.add("loss_d", loss_d, "critic loss mean D(G(z).detach()) - mean D(x_real)")
    c.add("loss_g", loss_g, "generator loss -mean D(G(z))")
    dps = list(D.named_parameters())
    gr = torch.autograd.grad(loss_d, [p for _, p in dps], retain_graph=True)
    for (nm, _), gg in zip(dps, gr):
        c.add("gradloss_d_d_" + pname(nm), gg, "d loss_d / d critic %s" % nm)
    gps = list(G.named_parameters())
    gr = torch.autograd.grad(loss_g, [p for _, p in gps])
    for (nm, _), gg in zip(gps, gr):
        c.add("gradloss_g_g_" + pname(nm), gg, "d loss_g / d generator %s" % nm)
    for pre, m, cnt in (("g", G, 1), ("d", D, 2)):
        for nm, b in m.named_buffers():
            if nm.endswith("num_batches_tracked"):
                assert int(b) == cnt
                continue
            c.add("%s_%s" % (pre, pname(nm)), b,
                  "%s after %d training-mode forward pass(es)" % (nm, cnt))
    return c


# ----------------------------------------------------------------------------------------------
# case: ops
# ----------------------------------------------------------------------------------------------
def case_ops():
    g = gen(5001)
    c = Case("ops", "Single-op references: forward and VJP (grads of sum(out*R)) for every input/parameter.",
             {"conv2d": "x[2,3,7,7], w[4,3,3,3], b[4]; (stride,pad) in (1,0),(1,1),(2,1),(2,0); suffix _s{stride}p{pad}",
              "conv_transpose2d": "x[2,3,7,7], wt[3,4,3,3] ([in,out,kh,kw]), bt[4]; (stride,pad,output_padding) "
                                  "in (1,0,0),(2,1,0),(2,1,1); suffix _s{stride}p{pad}op{output_padding}",
              "batchnorm": "eps 1e-5, momentum 0.1; train mode uses batch mean and biased variance for the "
                           "output, running_var updated with the unbiased variance; eval mode uses the given "
                           "running stats (not differentiated)",
              "layer_norm": "eps 1e-5; [6,10] normalised over the last dim with weight/bias [10]; [2,3,4,4] "
                            "normalised over [3,4,4] with elementwise weight/bias [3,4,4] (PyTorch "
                            "elementwise_affine shape = normalized_shape); biased variance",
              "cross_entropy": "mean over the batch of -log_softmax(logits)[i, label_i]; the VJP files are "
                               "the plain gradient of the mean loss (R = 1)",
              "softplus": "torch default beta=1, threshold=20 (x > 20 returns x)",
              "leaky_relu": "negative_slope 0.2",
              "R": "random N(0,1) cotangent with the output's shape, one per op/configuration"})

    def vjp(out, inputs, R):
        return torch.autograd.grad((out * d64(R)).sum(), inputs)

    # conv2d
    x = randn(g, 2, 3, 7, 7)
    w = randn(g, 4, 3, 3, 3, scale=0.5)
    b = randn(g, 4)
    c.add("conv_x", x, "conv2d input [2,3,7,7]")
    c.add("conv_w", w, "conv2d weight [4,3,3,3]")
    c.add("conv_b", b, "conv2d bias [4]")
    for s, p in ((1, 0), (1, 1), (2, 1), (2, 0)):
        suf = "_s%dp%d" % (s, p)
        xd, wd, bd = (d64(t).requires_grad_(True) for t in (x, w, b))
        out = F.conv2d(xd, wd, bd, stride=s, padding=p)
        R = randn(g, *out.shape)
        gx, gw, gb = vjp(out, [xd, wd, bd], R)
        c.add("conv_r" + suf, R, "cotangent, shape of out")
        c.add("conv_out" + suf, out, "conv2d(x,w,b,stride=%d,padding=%d)" % (s, p))
        c.add("conv_gx" + suf, gx, "d sum(out*R)/d x")
        c.add("conv_gw" + suf, gw, "d sum(out*R)/d w")
        c.add("conv_gb" + suf, gb, "d sum(out*R)/d b")
    # conv_transpose2d
    wt = randn(g, 3, 4, 3, 3, scale=0.5)
    bt = randn(g, 4)
    c.add("convt_x", x, "conv_transpose2d input [2,3,7,7] (same values as conv_x)")
    c.add("convt_w", wt, "conv_transpose2d weight [in=3,out=4,3,3]")
    c.add("convt_b", bt, "conv_transpose2d bias [4]")
    for s, p, op in ((1, 0, 0), (2, 1, 0), (2, 1, 1)):
        suf = "_s%dp%dop%d" % (s, p, op)
        xd, wd, bd = (d64(t).requires_grad_(True) for t in (x, wt, bt))
        out = F.conv_transpose2d(xd, wd, bd, stride=s, padding=p, output_padding=op)
        R = randn(g, *out.shape)
        gx, gw, gb = vjp(out, [xd, wd, bd], R)
        c.add("convt_r" + suf, R, "cotangent, shape of out")
        c.add("convt_out" + suf, out, "conv_transpose2d(x,w,b,stride=%d,padding=%d,output_padding=%d)" % (s, p, op))
        c.add("convt_gx" + suf, gx, "d sum(out*R)/d x")
        c.add("convt_gw" + suf, gw, "d sum(out*R)/d w")
        c.add("convt_gb" + suf, gb, "d sum(out*R)/d b")
    # batchnorm
    for tag, shape in (("bn2d", (8, 5)), ("bn4d", (4, 3, 5, 5))):
        C = shape[1]
        xb = randn(g, *shape, scale=2.0) + 0.5
        wb = 1.0 + randn(g, C, scale=0.3)
        bb = randn(g, C, scale=0.3)
        rm = randn(g, C, scale=0.5)
        rv = rand(g, C, lo=0.5, hi=2.0)
        c.add(tag + "_x", xb, "input %s" % list(shape))
        c.add(tag + "_w", wb, "BN weight [%d]" % C)
        c.add(tag + "_b", bb, "BN bias [%d]" % C)
        c.add(tag + "_rm", rm, "running_mean given before the call [%d]" % C)
        c.add(tag + "_rv", rv, "running_var given before the call [%d]" % C)
        for mode in ("train", "eval"):
            xd, wd, bd = (d64(t).requires_grad_(True) for t in (xb, wb, bb))
            rmd, rvd = d64(rm), d64(rv)
            out = F.batch_norm(xd, rmd, rvd, wd, bd, training=(mode == "train"), momentum=0.1, eps=1e-5)
            R = randn(g, *shape)
            gx, gw, gb = vjp(out, [xd, wd, bd], R)
            p = "%s_%s" % (tag, mode)
            c.add(p + "_r", R, "cotangent")
            c.add(p + "_out", out, "batch_norm output, %s mode" % mode)
            c.add(p + "_gx", gx, "d sum(out*R)/d x")
            c.add(p + "_gw", gw, "d sum(out*R)/d weight")
            c.add(p + "_gb", gb, "d sum(out*R)/d bias")
            if mode == "train":
                c.add(p + "_rm_new", rmd, "running_mean after the call: 0.9*rm + 0.1*batch_mean")
                c.add(p + "_rv_new", rvd, "running_var after the call: 0.9*rv + 0.1*unbiased batch var")
    # layer_norm
    for tag, shape, ns in (("ln2d", (6, 10), (10,)), ("ln4d", (2, 3, 4, 4), (3, 4, 4))):
        xl = randn(g, *shape, scale=1.5) + 0.3
        wl = 1.0 + randn(g, *ns, scale=0.3)
        bl = randn(g, *ns, scale=0.3)
        xd, wd, bd = (d64(t).requires_grad_(True) for t in (xl, wl, bl))
        out = F.layer_norm(xd, ns, wd, bd, eps=1e-5)
        R = randn(g, *shape)
        gx, gw, gb = vjp(out, [xd, wd, bd], R)
        c.add(tag + "_x", xl, "input %s" % list(shape))
        c.add(tag + "_w", wl, "weight %s" % list(ns))
        c.add(tag + "_b", bl, "bias %s" % list(ns))
        c.add(tag + "_r", R, "cotangent")
        c.add(tag + "_out", out, "layer_norm over the trailing %s" % list(ns))
        c.add(tag + "_gx", gx, "d sum(out*R)/d x")
        c.add(tag + "_gw", gw, "d sum(out*R)/d weight")
        c.add(tag + "_gb", gb, "d sum(out*R)/d bias")
    # log_softmax / cross_entropy
    logits = randn(g, 5, 7, scale=2.0)
    labels = torch.randint(0, 7, (5,), generator=g, dtype=torch.int64)
    R = randn(g, 5, 7)
    xd = d64(logits).requires_grad_(True)
    out = F.log_softmax(xd, dim=-1)
    (gx,) = vjp(out, [xd], R)
    c.add("lsm_x", logits, "logits [5,7] (also the cross_entropy input)")
    c.add("lsm_r", R, "cotangent [5,7]")
    c.add("lsm_out", out, "log_softmax over the last dim")
    c.add("lsm_gx", gx, "d sum(out*R)/d x")
    xd = d64(logits).requires_grad_(True)
    ce = F.cross_entropy(xd, labels, reduction="mean")
    (gx,) = torch.autograd.grad(ce, xd)
    c.add("ce_labels", labels, "int64 class labels [5] in [0,7)")
    c.add("ce_loss", ce, "mean cross-entropy")
    c.add("ce_gx", gx, "d loss / d logits (= (softmax - onehot)/5)")
    # pointwise
    v = randn(g, 32, scale=3.0)
    v[0], v[1], v[2], v[3] = 25.0, -25.0, 0.5, -0.5
    c.add("pw_x", v, "input vector [32] (3*N(0,1), with x[0..3] = 25, -25, 0.5, -0.5)")
    for nm, fn in (("softplus", F.softplus), ("sigmoid", torch.sigmoid), ("tanh", torch.tanh),
                   ("leaky_relu", lambda t: F.leaky_relu(t, 0.2))):
        xd = d64(v).requires_grad_(True)
        out = fn(xd)
        R = randn(g, 32)
        (gx,) = vjp(out, [xd], R)
        c.add(nm + "_r", R, "cotangent [32]")
        c.add(nm + "_out", out, "%s(x)" % nm)
        c.add(nm + "_gx", gx, "d sum(out*R)/d x")
    return c


# ----------------------------------------------------------------------------------------------
# case: optim
# ----------------------------------------------------------------------------------------------
OPTIMS = [
    ("adam_wd", torch.optim.Adam, dict(lr=1e-3, betas=(0.5, 0.9), eps=1e-8, weight_decay=0.01)),
    ("adam", torch.optim.Adam, dict(lr=1e-4, betas=(0.5, 0.9), eps=1e-8, weight_decay=0.0)),
    ("rmsprop", torch.optim.RMSprop, dict(lr=1e-2, alpha=0.99, eps=1e-8, momentum=0.9, centered=False)),
    ("rmsprop_centered", torch.optim.RMSprop, dict(lr=1e-2, alpha=0.99, eps=1e-8, momentum=0.9, centered=True)),
    ("sgd", torch.optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.0, nesterov=False, weight_decay=1e-4)),
]
STATE_KEYS = {"Adam": ["exp_avg", "exp_avg_sq"], "RMSprop": ["square_avg", "momentum_buffer", "grad_avg"],
              "SGD": ["momentum_buffer"]}


def run_torch_optim(cls, kw, a0, b0, ga, gb):
    a, b = d64(a0).requires_grad_(True), d64(b0).requires_grad_(True)
    opt = cls([a, b], **kw)
    hist_a, hist_b = [], []
    for s in range(ga.shape[0]):
        a.grad, b.grad = d64(ga[s]), d64(gb[s])
        opt.step()
        hist_a.append(a.detach().clone())
        hist_b.append(b.detach().clone())
    st = {}
    for pn, p in (("a", a), ("b", b)):
        for k in STATE_KEYS[cls.__name__]:
            if k in opt.state[p]:
                st["%s_%s" % (k, pn)] = opt.state[p][k].detach().clone()
    return torch.stack(hist_a), torch.stack(hist_b), st


def numpy_optim(name, kw, p0, grads):
    """Independent re-implementation (used by the self-test)."""
    p = np.array(p0, dtype=np.float64)
    m = np.zeros_like(p); v = np.zeros_like(p); buf = None; ga = np.zeros_like(p)
    hist = []
    for t, g in enumerate(np.asarray(grads, dtype=np.float64), start=1):
        g = g + kw.get("weight_decay", 0.0) * p
        if name.startswith("adam"):
            b1, b2 = kw["betas"]
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            denom = np.sqrt(v) / math.sqrt(1 - b2 ** t) + kw["eps"]
            p = p - kw["lr"] / (1 - b1 ** t) * m / denom
        elif name.startswith("rmsprop"):
            al = kw["alpha"]
            v = al * v + (1 - al) * g * g
            if kw["centered"]:
                ga = al * ga + (1 - al) * g
                avg = np.sqrt(v - ga * ga) + kw["eps"]
            else:
                avg = np.sqrt(v) + kw["eps"]
            buf = (g / avg) if buf is None else kw["momentum"] * buf + g / avg
            p = p - kw["lr"] * buf
        else:
            buf = g.copy() if buf is None else kw["momentum"] * buf + (1 - kw["dampening"]) * g
            p = p - kw["lr"] * buf
        hist.append(p.copy())
    return np.stack(hist)


def case_optim():
    g = gen(6001)
    a0, b0 = randn(g, 3, 4), randn(g, 5)
    ga, gb = randn(g, 5, 3, 4), randn(g, 5, 5)
    c = Case("optim", "Five optimizer steps from given parameters with given gradients (torch.optim, float64).",
             {"steps": 5,
              "params": "a [3,4], b [5] (one param group with both)",
              "grads": "grad_a[s], grad_b[s] is the gradient assigned before step s+1 (s = 0..4)",
              "configs": {n: {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()} for n, _, kw in OPTIMS},
              "adam": "torch.optim.Adam (L2 weight decay added to the gradient, not AdamW): m = b1 m + (1-b1) g; "
                      "v = b2 v + (1-b2) g^2; p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)",
              "rmsprop": "v = alpha v + (1-alpha) g^2; centered: ga = alpha ga + (1-alpha) g, avg = sqrt(v - ga^2) + eps, "
                         "else avg = sqrt(v) + eps; buf = momentum buf + g/avg (buf starts at 0); p -= lr buf",
              "sgd": "d = g + wd p; buf = d at step 1, then buf = momentum buf + (1-dampening) d; p -= lr buf",
              "files": "<cfg>_a / <cfg>_b: [5,...] params after each step; <cfg>_<state>_<a|b>: state after step 5"})
    c.add("a0", a0, "initial a [3,4]")
    c.add("b0", b0, "initial b [5]")
    c.add("grad_a", ga, "per-step gradients for a [5,3,4]")
    c.add("grad_b", gb, "per-step gradients for b [5,5]")
    for name, cls, kw in OPTIMS:
        ha, hb, st = run_torch_optim(cls, kw, a0, b0, ga, gb)
        c.add(name + "_a", ha, "%s: a after steps 1..5" % name)
        c.add(name + "_b", hb, "%s: b after steps 1..5" % name)
        for k, t in st.items():
            c.add("%s_%s" % (name, k), t, "%s: optimizer state %s after step 5" % (name, k))
    return c


# ----------------------------------------------------------------------------------------------
# self-test
# ----------------------------------------------------------------------------------------------
def self_test():
    ok = True

    def report(name, cond):
        nonlocal ok
        print("  self-test %-44s %s" % (name, "ok" if cond else "FAILED"))
        ok = ok and bool(cond)

    g = gen(9001)
    gc = dict(eps=1e-6, atol=1e-5, rtol=1e-4)
    # Björck reparametrisation: gradcheck on small tall and wide matrices + NumPy forward.
    for shape in ((6, 4), (4, 6)):
        W = (torch.randn(*shape, generator=g, dtype=F64) * 3).requires_grad_(True)
        report("gradcheck bjorck %s" % (shape,), torch.autograd.gradcheck(lambda w: bjorck(w), (W,), **gc))
        report("numpy bjorck %s" % (shape,), np.allclose(bjorck(W).detach().numpy(), bjorck_np(W.detach().numpy()), atol=1e-12))
    # GroupSort MLP: gradcheck and gradgradcheck w.r.t. input and weights.
    for k in (2, 4):
        W1 = torch.randn(8, 2, generator=g, dtype=F64).requires_grad_(True)
        W2 = torch.randn(1, 8, generator=g, dtype=F64).requires_grad_(True)
        x = torch.randn(5, 2, generator=g, dtype=F64).requires_grad_(True)
        f = lambda x, W1, W2: group_sort(x @ W1.t(), k) @ W2.t()
        report("gradcheck groupsort k=%d" % k, torch.autograd.gradcheck(f, (x, W1, W2), **gc))
        report("gradgradcheck groupsort k=%d" % k, torch.autograd.gradgradcheck(f, (x, W1, W2), **gc))
        xc = torch.randn(2, 8, 3, 3, generator=g, dtype=F64).requires_grad_(True)
        report("gradcheck groupsort4d k=%d" % k, torch.autograd.gradcheck(lambda t: group_sort(t, k), (xc,), **gc))
        ref = np.sort(xc.detach().numpy().reshape(2, 8 // k, k, 3, 3), axis=2).reshape(2, 8, 3, 3)
        report("numpy groupsort4d k=%d" % k, np.array_equal(group_sort(xc, k).detach().numpy(), ref))
    # WGAN-GP penalty through a tanh/ReLU critic: gradcheck of gp w.r.t. the weights (double backprop).
    for act in (torch.tanh, F.relu):
        W1 = torch.randn(8, 2, generator=g, dtype=F64).requires_grad_(True)
        b1 = torch.randn(8, generator=g, dtype=F64).requires_grad_(True)
        W2 = torch.randn(1, 8, generator=g, dtype=F64).requires_grad_(True)
        real = torch.randn(4, 2, generator=g, dtype=F64) * 2
        fake = torch.randn(4, 2, generator=g, dtype=F64) * 2
        alpha = torch.rand(4, 1, generator=g, dtype=F64)

        def gpf(W1, b1, W2):
            D = lambda x: act(x @ W1.t() + b1) @ W2.t()
            t = wgan_gp_terms(D, real, fake, alpha, 0.1)
            return t["loss"], t["gp"], t["gp_one_sided"]
        report("gradcheck wgan-gp loss (%s)" % act.__name__, torch.autograd.gradcheck(gpf, (W1, b1, W2), **gc))
    # DCGAN: gradcheck of the critic output w.r.t. a few critic parameters (train-mode BN).
    from torch.nn.utils.stateless import functional_call
    torch.manual_seed(9002)
    D = Crit28().double().train()
    x = torch.randn(3, 1, 28, 28, generator=g, dtype=F64)
    names = ["bn2.weight", "bn2.bias", "fc.bias", "c1.bias", "c2.bias"]
    dl = lambda *ps: functional_call(D, dict(zip(names, ps)), (x,)).sum()
    ps = tuple(dict(D.named_parameters())[n].detach().clone().requires_grad_(True) for n in names)
    report("gradcheck dcgan critic params", torch.autograd.gradcheck(dl, ps, **gc))
    # conv_transpose2d vs. the gradient of conv2d (adjoint identity) for each configuration.
    for s, p, op in ((1, 0, 0), (2, 1, 0), (2, 1, 1)):
        xt = torch.randn(2, 3, 7, 7, generator=g, dtype=F64)
        wt = torch.randn(3, 4, 3, 3, generator=g, dtype=F64)
        y = F.conv_transpose2d(xt, wt, stride=s, padding=p, output_padding=op)
        u = torch.randn(y.shape, dtype=F64, generator=g).requires_grad_(True)
        (adj,) = torch.autograd.grad((F.conv2d(u, wt, stride=s, padding=p) * xt).sum(), u)
        report("convT adjoint s%dp%dop%d" % (s, p, op), torch.allclose(adj, y, atol=1e-12))
    # Optimizers: torch vs the NumPy re-implementation.
    a0 = torch.randn(3, 4, generator=g).float(); b0 = torch.randn(5, generator=g).float()
    ga = torch.randn(5, 3, 4, generator=g).float(); gb = torch.randn(5, 5, generator=g).float()
    for name, cls, kw in OPTIMS:
        ha, hb, _ = run_torch_optim(cls, kw, a0, b0, ga, gb)
        ra = numpy_optim(name, kw, a0.double().numpy(), ga.double().numpy())
        rb = numpy_optim(name, kw, b0.double().numpy(), gb.double().numpy())
        report("numpy optimizer %s" % name, np.allclose(ha.numpy(), ra, atol=1e-12, rtol=1e-10)
               and np.allclose(hb.numpy(), rb, atol=1e-12, rtol=1e-10))
    return ok


# ----------------------------------------------------------------------------------------------
def write_readme(cases, sizes):
    L = ["# Core reference fixtures (PyTorch)", "",
         "Generated by `tests/reference/make_fixtures.py` with Debian's `/usr/bin/python3` "
         "(torch %s, CPU, one thread); regenerate with `make fixtures`. Do not edit by hand." % torch.__version__.split("+")[0],
         "", "Conventions:", "",
         "* inputs, weights, labels, random cotangents `R`/`r`: float32 (`<f4`) — labels int64 (`<i8`);",
         "* reference outputs and gradients: float64 (`<f8`), computed by torch in float64 from the float32 values;",
         "* scalars are stored with shape `[1]`;",
         "* layouts as in PyTorch / the C library: Linear weight `[out,in]`, bias `[out]`, `y = x W^T + b`; "
         "Conv2d weight `[out,in,kh,kw]`; ConvTranspose2d weight `[in,out,kh,kw]`; BN params `[C]`;",
         "* `grad<Q>_<P>` = dQ/dP; parameter names are PyTorch module paths with `.` -> `_`;",
         "* \"VJP\" files hold the gradient of `sum(out * R)` for the saved cotangent `R`;",
         "* each case directory has `manifest.json` with the hyper-parameters, formulas, and the same file table.",
         "", "Total size: %.2f MB." % (sum(sizes.values()) / 1e6), ""]
    for c in cases:
        L += ["## `%s` (%.0f kB)" % (c.name, sizes[c.name] / 1e3), "", c.summary, "", "Hyper-parameters / notes:", ""]
        for k, v in c.hyper.items():
            if isinstance(v, list) and v and isinstance(v[0], str):
                L.append("* `%s`:" % k)
                L += ["    * %s" % s for s in v]
            else:
                L.append("* `%s`: %s" % (k, json.dumps(v) if not isinstance(v, str) else v))
        L += ["", "| file | shape | dtype | meaning |", "|---|---|---|---|"]
        for f, a, desc in c.files:
            L.append("| `%s.npy` | %s | %s | %s |" % (f, list(a.shape), a.dtype.str, desc.replace("|", "\\|")))
        L.append("")
    with open(os.path.join(ROOT, "README.md"), "w") as fh:
        fh.write("\n".join(L))


def main():
    print("make_fixtures: torch %s" % torch.__version__)
    if not self_test():
        print("make_fixtures: SELF-TEST FAILED, nothing written", file=sys.stderr)
        return 1
    cases = [case_gp_relu_critic(), case_groupsort_mlp(), case_bjorck(), case_dcgan28(), case_ops(), case_optim()]
    os.makedirs(ROOT, exist_ok=True)
    sizes = {}
    for c in cases:
        sizes[c.name] = c.write()
        print("  wrote %-16s %3d files %8.1f kB" % (c.name, len(c.files), sizes[c.name] / 1e3))
    write_readme(cases, sizes)
    total = sum(sizes.values())
    print("make_fixtures: total %.2f MB in %s" % (total / 1e6, ROOT))
    if total > 3e6:
        print("make_fixtures: WARNING: fixtures exceed 3 MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
