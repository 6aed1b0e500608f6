"""Training and checkpoints from Python: a checkpoint trained and sampled from Python equals
`wgankit sample` of the same checkpoint bit for bit (issue 14, acceptance 3); critic values and
gradients, the Lipschitz report, config; errors; two trainings in two Python threads equal each
run alone; Ctrl-C stops a long training call cleanly with KeyboardInterrupt."""
import os
import re
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import wgankit
from conftest import ROOT, cli

SMALL = dict(steps=20, eval_every=10, gen_width=32, critic_width=32, batch=64, holdout=200, eval_n=200, threads=1)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "r"
    return wgankit.train(out=str(out), seed=5, **SMALL)


def test_run_metrics(run):
    assert [m["step"] for m in run.metrics] == [0, 10, 20]  # from step 0 on
    assert all(np.isfinite(m["w1"]) for m in run.metrics)
    assert "done: 20 steps" in run.log
    assert run.checkpoint.step == 20 and run.checkpoint.config["seed"] == 5


def test_sample_equals_cli(run, tmp_path):
    ck = run.checkpoint
    for seed in (0, 7):
        out = tmp_path / ("s%d.npy" % seed)
        subprocess.run([cli(), "sample", "--checkpoint", ck.path, "-n", "300", "--seed", str(seed), "-o", str(out)],
                       check=True, capture_output=True)
        mine = ck.sample(300, seed=seed)
        ref = np.load(out)
        assert mine.dtype == np.float32 and mine.shape == ref.shape == (300, 2)
        assert mine.tobytes() == ref.tobytes()
    z = np.random.default_rng(1).normal(size=(50, ck.latent_dim)).astype(np.float32)
    np.save(tmp_path / "z.npy", z)
    subprocess.run([cli(), "sample", "--checkpoint", ck.path, "--latent", str(tmp_path / "z.npy"), "-o",
                    str(tmp_path / "zl.npy")], check=True, capture_output=True)
    assert ck.sample(latent=z).tobytes() == np.load(tmp_path / "zl.npy").tobytes()
    assert ck.sample(10, seed=3, dtype=np.float64).dtype == np.float64


def test_critic_and_lipschitz(run):
    ck = run.checkpoint
    x = ck.sample(64, seed=1)
    d = ck.critic(x)
    d2, g = ck.critic(x.astype(np.float64), grad=True)
    assert d.dtype == np.float64 and d.shape == (64,) and np.array_equal(d, d2)
    assert g.shape == x.shape
    # the gradient is that of D: a finite difference along it agrees
    h = 1e-2
    u = g[0] / np.linalg.norm(g[0])
    fd = (ck.critic((x[:1] + h * u))[0] - ck.critic((x[:1] - h * u))[0]) / (2 * h)
    assert abs(fd - np.linalg.norm(g[0])) < 1e-2 * max(1.0, np.linalg.norm(g[0]))
    rep = ck.lipschitz()
    assert rep["n_points"] == 1000 and rep["grad_max"] <= rep["certified"] * (1 + 1e-5)
    assert 0 < rep["pair_max"] <= rep["certified"] * (1 + 1e-5)
    # FINDINGS 11e: no pair of distinct points (one point, or all equal): the ratio is undefined, NaN (was 0)
    for pts in (np.zeros((1, 2)), np.ones((5, 2))):
        r = ck.lipschitz(x=pts)
        assert np.isnan(r["pair_max"]) and r["n_points"] == len(pts)
    with pytest.raises(ValueError, match="^x"):
        ck.critic(np.full((3, 2), np.nan))
    with pytest.raises(ValueError):
        ck.critic(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="^latent"):
        ck.sample(latent=np.zeros((3, ck.latent_dim + 1)))


def test_errors(tmp_path):
    with pytest.raises(ValueError, match="^nope"):
        wgankit.train(out=str(tmp_path / "x"), nope=1)
    with pytest.raises(ValueError, match="critic"):
        wgankit.train(out=str(tmp_path / "x"), critic="magic")
    with pytest.raises(OSError):
        wgankit.Checkpoint(str(tmp_path / "missing.safetensors"))
    (tmp_path / "bad.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}")
    with pytest.raises(ValueError):
        wgankit.Checkpoint(str(tmp_path / "bad.safetensors"))
    names = [s["name"] for s in wgankit.train_settings()]
    assert "gen_depth" in names and "threads" in names
    # a run that fails on its data leaves no run directory behind (it left its lock and marker)
    (tmp_path / "bad.csv").write_text("x,y\n1,2\n3,oops\n")
    with pytest.raises(ValueError, match="bad.csv"):
        wgankit.train(out=str(tmp_path / "fails" / "r"), data=str(tmp_path / "bad.csv"), steps=2, threads=1)
    assert not (tmp_path / "fails").exists()


def test_diverging_run_raises_runtime_error(tmp_path):
    """A run that diverges (NaN critic loss) is a runtime failure, as the CLI's exit 1: RuntimeError,
    not the ValueError of bad settings (FINDINGS 14)."""
    with pytest.raises(RuntimeError, match="diverged") as e:
        wgankit.train(out=str(tmp_path / "d"), data="ring", critic="none", opt_d="sgd", lr_d=10, critic_clamp=0,
                      steps=20, eval_every=10, checkpoint_every=1, batch=64, eval_n=128, holdout=128, gen_width=8,
                      critic_width=8, threads=1)
    assert not isinstance(e.value, ValueError)


def test_two_trainings_in_two_threads(tmp_path):
    """Two runs with different thread counts in two Python threads end with the weights (here:
    the samples) each gives alone."""
    cfgs = [dict(SMALL, seed=11, threads=1, critic="bjorck"), dict(SMALL, seed=12, threads=2, critic="gp")]
    alone = [wgankit.train(out=str(tmp_path / ("a%d" % k)), **c).checkpoint.sample(200, seed=4) for k, c in enumerate(cfgs)]
    got = [None, None]

    def go(k):
        got[k] = wgankit.train(out=str(tmp_path / ("b%d" % k)), **cfgs[k]).checkpoint.sample(200, seed=4)

    th = [threading.Thread(target=go, args=(k,)) for k in range(2)]
    for t in th:
        t.start()
    for t in th:
        t.join()
    for k in range(2):
        assert got[k].tobytes() == alone[k].tobytes()


CHILD = r"""
import sys, wgankit
try:
    wgankit.train(out=sys.argv[1], steps=10000000, eval_every=0, gen_width=64, critic_width=64, threads=1)
    print("finished")
except KeyboardInterrupt as e:
    print("interrupted:", e)
"""


def test_ctrl_c_interrupts_training(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    out = tmp_path / "long"
    p = subprocess.Popen([sys.executable, "-c", CHILD, str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env, text=True)
    t0 = time.time()
    while not (out / "config.json").exists() and time.time() - t0 < 60:
        time.sleep(0.05)
    time.sleep(0.5)  # well inside the training loop
    p.send_signal(signal.SIGINT)
    so, se = p.communicate(timeout=60)
    assert p.returncode == 0, se
    assert "interrupted:" in so and "interrupted before step" in so, so
    assert se == ""  # nothing printed from C


def test_data_equals_cli(tmp_path):
    out = tmp_path / "g.npy"
    subprocess.run([cli(), "data", "gmm", "-n", "500", "--seed", "9", "--opt", "k=5", "--opt", "dim=3", "-o", str(out)],
                   check=True, capture_output=True)
    mine = wgankit.data("gmm", 500, 9, k=5, dim=3)
    assert mine.dtype == np.float32 and mine.shape == (500, 3)
    assert mine.tobytes() == np.load(out).tobytes()


def test_data_takes_the_spec_string():
    """``data("gmm:k=5,dim=3")`` is the spec --data and draw take (was: ValueError "unknown target
    'gmm:k=5,dim=3'"): the same draws as the keyword options."""
    assert wgankit.data("gmm:k=5,dim=3", 50, 9).tobytes() == wgankit.data("gmm", 50, 9, k=5, dim=3).tobytes()


def test_checkpoint_from_eight_threads(run):
    """One Checkpoint used by 8 threads at once: each call gives what it gives alone."""
    ck = run.checkpoint
    seq = [(ck.sample(100, seed=s).tobytes(), ck.critic(ck.sample(20, seed=s)).tobytes()) for s in range(16)]
    got = [None] * 16

    def worker(t):
        for s in range(t, 16, 8):
            got[s] = (ck.sample(100, seed=s).tobytes(), ck.critic(ck.sample(20, seed=s)).tobytes())

    th = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
    for t in th:
        t.start()
    for t in th:
        t.join()
    assert got == seq


def test_sample_limits(run):
    ck = run.checkpoint
    # was: seed 2**64 wrapped to seed 0; n 10**12 said "must be >= 1"
    for bad in (2 ** 64, 2 ** 53, -1):
        with pytest.raises(ValueError, match=r"^seed: .*9007199254740991"):
            ck.sample(5, seed=bad)
    # the CLI's cap on sample -n (FINDINGS 2: 10**9 was a MemoryError)
    for big in (10 ** 12, 10 ** 9, 100000001):
        with pytest.raises(ValueError, match=r"^n: must be an integer in \[1, 100000000\], got %d" % big):
            ck.sample(big)
    with pytest.raises(ValueError, match=r"^seed"):
        ck.lipschitz(n=5, seed=2 ** 64)
    with pytest.raises(ValueError, match=r"^threads"):
        wgankit.train(out="unused", threads=65, steps=1)


def test_sample_ema_choice_as_cli(run, tmp_path):
    """ema=None (default) is the EMA generator when the run kept one, else the raw one, as
    `wgankit sample` without --generator; an explicit ema=True on a run trained with ema=0 raises
    ValueError naming the checkpoint and the flag, as `--generator ema` exits 2 (it silently
    returned the raw generator's samples)."""
    raw = wgankit.train(out=str(tmp_path / "noema"), seed=5, ema=0, **SMALL).checkpoint
    with pytest.raises(ValueError, match=r"^ema=True: %s was trained without an EMA generator \(ema=0\)"
                       % re.escape(raw.path)):
        raw.sample(5, seed=1, ema=True)
    assert not raw.has_ema
    ck = run.checkpoint  # the default ema (0.99): the run kept an EMA
    assert ck.has_ema
    assert ck.sample(20, seed=2).tobytes() == ck.sample(20, seed=2, ema=True).tobytes()
    assert ck.sample(20, seed=2).tobytes() != ck.sample(20, seed=2, ema=False).tobytes()
    out = tmp_path / "raw.npy"
    subprocess.run([cli(), "sample", "--checkpoint", raw.path, "--generator", "raw", "-n", "5", "--seed", "1", "-o",
                    str(out)], check=True, capture_output=True)
    assert raw.sample(5, seed=1).tobytes() == raw.sample(5, seed=1, ema=False).tobytes() == np.load(out).tobytes()
    assert isinstance(raw.lipschitz(n=8, seed=1), dict)  # its own draws use the default generator
