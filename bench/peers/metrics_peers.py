#!/usr/bin/python3
"""metrics_peers.py — the image metrics of `wgankit metrics` computed by the usual Python stacks on
the same features, for bench/bench_metrics.sh:

  numpy   FD as pytorch-fid (np.cov, scipy.linalg.sqrtm), KID as Binkowski et al.'s
          polynomial_mmd_averages (100 subsets of 1,000), PR (k=3) and DC (k=5) with
          float32 distance matrices through the |x|^2 + |y|^2 - 2 x.y product (as sklearn);
  torch   the same formulas in PyTorch (torch.cdist, torch.linalg.eigvalsh for FD's trace term).

Usage: metrics_peers.py REAL.npy FAKE.npy --peer numpy|torch --threads N
Prints one JSON line: peer, seconds (metrics only, features given), and the values."""
import argparse, json, os, sys, time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("real"); ap.add_argument("fake")
    ap.add_argument("--peer", default="numpy"); ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(a.threads))
    import numpy as np
    r = np.load(a.real).astype(np.float64); f = np.load(a.fake).astype(np.float64)
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    if a.peer == "numpy":
        from scipy import linalg
        mu1, mu2 = r.mean(0), f.mean(0); s1, s2 = np.cov(r, rowvar=False), np.cov(f, rowvar=False)
        cm, _ = linalg.sqrtm(s1.dot(s2), disp=False)
        fd = float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(cm.real))
        d = r.shape[1]; mm = []
        for _ in range(100):
            x = r[rng.choice(len(r), 1000, replace=False)]; y = f[rng.choice(len(f), 1000, replace=False)]
            kxx = (x @ x.T / d + 1) ** 3; kyy = (y @ y.T / d + 1) ** 3; kxy = (x @ y.T / d + 1) ** 3
            m = 1000
            mm.append((kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (m * (m - 1)) - 2 * kxy.mean())
        r32, f32 = r.astype(np.float32), f.astype(np.float32)
        def sq(a_, b_):
            return np.maximum((a_ * a_).sum(1)[:, None] + (b_ * b_).sum(1)[None, :] - 2 * a_ @ b_.T, 0)
        drr, dff, drf = sq(r32, r32), sq(f32, f32), sq(r32, f32)
        rr3 = np.partition(drr, 3, axis=1)[:, 3]; ff3 = np.partition(dff, 3, axis=1)[:, 3]
        rr5 = np.partition(drr, 5, axis=1)[:, 5]
        prec = (drf <= rr3[:, None]).any(0).mean(); rec = (drf <= ff3[None, :]).any(1).mean()
        dens = (drf < rr5[:, None]).sum(0).mean() / 5; cov = (drf.min(1) < rr5).mean()
    else:
        import torch
        torch.set_num_threads(a.threads)
        R, F = torch.from_numpy(r), torch.from_numpy(f)
        mu1, mu2 = R.mean(0), F.mean(0); s1, s2 = torch.cov(R.T), torch.cov(F.T)
        w, v = torch.linalg.eigh(s1); A = (v * w.clamp(min=0).sqrt()) @ v.T
        lam = torch.linalg.eigvalsh(A @ s2 @ A)
        fd = float(((mu1 - mu2) ** 2).sum() + s1.trace() + s2.trace() - 2 * lam.clamp(min=0).sqrt().sum())
        d = R.shape[1]; mm = []
        g = torch.Generator().manual_seed(0)
        for _ in range(100):
            x = R[torch.randperm(len(R), generator=g)[:1000]]; y = F[torch.randperm(len(F), generator=g)[:1000]]
            kxx = (x @ x.T / d + 1) ** 3; kyy = (y @ y.T / d + 1) ** 3; kxy = (x @ y.T / d + 1) ** 3
            m = 1000
            mm.append(float((kxx.sum() - kxx.trace()) / (m * (m - 1)) + (kyy.sum() - kyy.trace()) / (m * (m - 1)) - 2 * kxy.mean()))
        R32, F32 = R.float(), F.float()
        drr, dff, drf = torch.cdist(R32, R32), torch.cdist(F32, F32), torch.cdist(R32, F32)
        rr3 = drr.kthvalue(4, 1).values; ff3 = dff.kthvalue(4, 1).values; rr5 = drr.kthvalue(6, 1).values
        prec = float((drf <= rr3[:, None]).any(0).float().mean()); rec = float((drf <= ff3[None, :]).any(1).float().mean())
        dens = float((drf < rr5[:, None]).sum(0).float().mean() / 5); cov = float((drf.min(1).values < rr5).float().mean())
    sec = time.perf_counter() - t0
    print(json.dumps({"bench": "metrics", "peer": a.peer, "n_real": len(r), "n_fake": len(f), "seconds": round(sec, 3),
                      "fd": fd, "kid": float(np.mean(mm)), "precision": float(prec), "recall": float(rec),
                      "density": float(dens), "coverage": float(cov)}))


if __name__ == "__main__":
    sys.exit(main())
