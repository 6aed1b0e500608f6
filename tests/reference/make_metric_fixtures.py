#!/usr/bin/python3
"""make_metric_fixtures.py — regenerate tests/fixtures/metrics/: small feature sets and the
reference values of FD, KID, IS, improved precision/recall and density/coverage, written from
the papers' definitions as their reference code computes them:

  FD   pytorch-fid's calculate_frechet_distance (np.mean, np.cov, scipy.linalg.sqrtm of
       sigma1.dot(sigma2), the eps offset when sqrtm is not finite, the real part);
  KID  Binkowski et al.'s polynomial_mmd / _mmd2_and_variance ('unbiased': off-diagonal sums
       over m(m-1), the cross term over m^2), kernel (x.y/d + 1)^3, np.std over subsets; the
       subsets are drawn here and stored (kid_ir.npy, kid_if.npy) so the C test uses the same;
  IS   Salimans et al.'s get_inception_score on stored probabilities: consecutive splits, no
       shuffling, np.mean / np.std of exp(mean KL);
  PR   Kynkaenniemi et al.'s ManifoldEstimator: squared distances, k-th value of each row of
       the real-real matrix with np.partition (kth = k counts the sample itself at 0), inside
       when d^2 <= radius^2;
  DC   Naeem et al.'s compute_prdc: radius = (k+1)-th smallest distance including self,
       strict <, density (1/k) mean count, coverage from the nearest fake.
Distances are computed in float64 from coordinate differences (not the |x|^2 + |y|^2 - 2 x.y
trick, whose rounding would make exact ties of duplicated points depend on the library).

Run with Debian's python (numpy, scipy):  /usr/bin/python3 tests/reference/make_metric_fixtures.py
Features are stored as float32 NPY and every reference is computed on exactly those values.
cases.csv: one line per case with the expected values."""
import os
import numpy as np
from scipy import linalg

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "metrics")
rng = np.random.default_rng(20261129)


def fd_pytorch_fid(x, y, eps=1e-6):
    mu1, mu2 = np.mean(x, axis=0), np.mean(y, axis=0)
    sigma1, sigma2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    sigma1, sigma2 = np.atleast_2d(sigma1), np.atleast_2d(sigma2)
    diff = mu1 - mu2
    covmean, _ = linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    tr_covmean = np.trace(covmean)
    mean_term = diff.dot(diff)
    trace_term = np.trace(sigma1) + np.trace(sigma2) - 2 * tr_covmean
    return mean_term + trace_term, mean_term, trace_term


def fd_eig(x, y):
    """Cross-check: tr sqrt(S1 S2) from the eigenvalues of S1^1/2 S2 S1^1/2."""
    s1, s2 = np.atleast_2d(np.cov(x, rowvar=False)), np.atleast_2d(np.cov(y, rowvar=False))
    w, v = np.linalg.eigh(s1)
    a = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    lam = np.linalg.eigvalsh(a @ s2 @ a)
    d = x.mean(0) - y.mean(0)
    return d @ d + np.trace(s1) + np.trace(s2) - 2 * np.sqrt(np.clip(lam, 0, None)).sum()


def polynomial_mmd_unbiased(x, y):
    d = x.shape[1]
    kxx = (x @ x.T / d + 1) ** 3
    kyy = (y @ y.T / d + 1) ** 3
    kxy = (x @ y.T / d + 1) ** 3
    m = x.shape[0]
    kt_xx = kxx.sum() - np.diagonal(kxx).sum()
    kt_yy = kyy.sum() - np.diagonal(kyy).sum()
    return kt_xx / (m * (m - 1)) + kt_yy / (m * (m - 1)) - 2 * kxy.sum() / (m * m)


def inception_score(preds, splits=10):
    scores = []
    for i in range(splits):
        part = preds[(i * preds.shape[0] // splits):((i + 1) * preds.shape[0] // splits), :]
        with np.errstate(divide="ignore", invalid="ignore"):
            kl = part * (np.log(part) - np.log(np.expand_dims(np.mean(part, 0), 0)))
        kl = np.where(part > 0, kl, 0.0)  # 0 log 0 = 0 (numpy would give nan)
        kl = np.mean(np.sum(kl, 1))
        scores.append(np.exp(kl))
    return np.mean(scores), np.std(scores)


def sqdist(a, b):
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)


def improved_pr(real, fake, k=3):
    d_rr, d_ff, d_fr = sqdist(real, real), sqdist(fake, fake), sqdist(fake, real)
    r_real = np.partition(d_rr, kth=k, axis=1)[:, k]
    r_fake = np.partition(d_ff, kth=k, axis=1)[:, k]
    precision = np.any(d_fr <= r_real[None, :], axis=1).mean()
    recall = np.any(d_fr.T <= r_fake[None, :], axis=1).mean()
    return precision, recall


def density_coverage(real, fake, k=5):
    d_rr = sqdist(real, real)
    radii = np.partition(d_rr, kth=k, axis=1)[:, k]  # (k+1)-th smallest, self included
    d_rf = sqdist(real, fake)
    density = (1.0 / k) * (d_rf < radii[:, None]).sum(axis=0).mean()
    coverage = (d_rf.min(axis=1) < radii).mean()
    return density, coverage


def probs_for(n, k, sharp):
    logits = rng.normal(size=(n, k)) * sharp
    p = np.exp(logits - logits.max(1, keepdims=True))
    return (p / p.sum(1, keepdims=True)).astype(np.float32)


def make_cases():
    cases = []
    r = rng.normal(size=(300, 16))
    f = rng.normal(size=(250, 16)) * 1.3 + 0.4
    cases.append(("basic", r, f))
    x = rng.normal(size=(200, 8))
    cases.append(("identical", x, x.copy()))
    cases.append(("n_lt_d", rng.normal(size=(20, 40)), rng.normal(size=(25, 40)) + 0.2))
    pool = rng.normal(size=(30, 5))
    real = pool[rng.integers(0, 30, size=150)]
    fake = np.concatenate([pool[rng.integers(0, 30, size=60)], rng.normal(size=(60, 5))])
    cases.append(("duplicates", real, fake))
    t = rng.uniform(0, 2 * np.pi, size=500)
    ring = np.stack([np.cos(t), np.sin(t)], 1) * 2 + rng.normal(size=(500, 2)) * 0.05
    tf = rng.uniform(0, 2 * np.pi, size=400)
    ringf = np.stack([np.cos(tf), np.sin(tf)], 1) * 2.1 + rng.normal(size=(400, 2)) * 0.2
    cases.append(("ring2d", ring, ringf))
    cases.append(("relu64", np.maximum(rng.normal(size=(400, 64)), 0), np.maximum(rng.normal(size=(350, 64)) + 0.1, 0)))
    grid_r = rng.integers(0, 6, size=(120, 2)).astype(float)  # integer points: ties at equal distances
    grid_f = rng.integers(0, 7, size=(100, 2)).astype(float)
    cases.append(("grid_ties", grid_r, grid_f))
    cases.append(("large_scale", rng.normal(size=(100, 6)) * 1e15, rng.normal(size=(90, 6)) * 1e15 + 3e14))
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    lines = ["case,n_real,n_fake,dim,fd,fd_mean,fd_trace,kid_subsets,kid_m,kid,kid_std,precision,recall,density,coverage"]
    for name, r, f in make_cases():
        r32, f32 = r.astype(np.float32), f.astype(np.float32)
        np.save(os.path.join(OUT, f"{name}_real.npy"), r32)
        np.save(os.path.join(OUT, f"{name}_fake.npy"), f32)
        r, f = r32.astype(np.float64), f32.astype(np.float64)
        fd, fdm, fdt = fd_pytorch_fid(r, f)
        fde = fd_eig(r, f)
        print(f"{name}: pytorch-fid FD {fd:.10g}, eigen route {fde:.10g}")
        m = min(len(r), len(f), 50)
        S = 7
        ir = np.stack([rng.choice(len(r), m, replace=False) for _ in range(S)])
        iff = np.stack([rng.choice(len(f), m, replace=False) for _ in range(S)])
        np.save(os.path.join(OUT, f"{name}_kid_ir.npy"), ir.astype(np.int64))
        np.save(os.path.join(OUT, f"{name}_kid_if.npy"), iff.astype(np.int64))
        mmds = np.array([polynomial_mmd_unbiased(r[ir[s]], f[iff[s]]) for s in range(S)])
        p, rc = improved_pr(r, f, 3)
        den, cov = density_coverage(r, f, 5)
        lines.append(",".join([name, str(len(r)), str(len(f)), str(r.shape[1])] +
                              [repr(float(v)) for v in (fd, fdm, fdt)] + [str(S), str(m)] +
                              [repr(float(v)) for v in (mmds.mean(), mmds.std(), p, rc, den, cov)]))
    with open(os.path.join(OUT, "cases.csv"), "w") as fh:
        fh.write("\n".join(lines) + "\n")
    # IS: sharp and flat class probabilities, an n that does not split evenly, and exact zeros
    is_lines = ["case,n,classes,splits,is,is_std"]
    for name, n, k, sharp in (("sharp", 1000, 10, 4.0), ("flat", 500, 10, 0.3), ("uneven", 1005, 7, 2.0)):
        p = probs_for(n, k, sharp)
        if name == "uneven":
            p = p.astype(np.float64)
            p[::3, 0] = 0  # exact zeros: 0 log 0 = 0
            p = (p / p.sum(1, keepdims=True)).astype(np.float32)
        np.save(os.path.join(OUT, f"is_{name}.npy"), p)
        m, s = inception_score(p.astype(np.float64), 10)
        is_lines.append(f"{name},{n},{k},10,{float(m)!r},{float(s)!r}")
    with open(os.path.join(OUT, "is_cases.csv"), "w") as fh:
        fh.write("\n".join(is_lines) + "\n")
    print("\n".join(lines))
    print("\n".join(is_lines))


if __name__ == "__main__":
    main()
