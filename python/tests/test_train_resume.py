"""wgankit.train continues and replaces runs as `wgankit train --resume/--force` do (tester finding:
neither was possible from Python, and the refusal pointed to CLI flags the function refused, so a
run that Ctrl-C stopped could not be continued from Python): resume=True (or resume=out) takes the
run's own settings, which keywords override, and ends bit-identical to one long run; force=True
replaces a run; both together, a resume without a checkpoint and a resume naming another
directory raise ValueError. Checkpoint.sample refuses an n that disagrees with latent (it was
silently ignored; the CLI refuses -n with --latent)."""
import numpy as np
import pytest

import wgankit

SMALL = dict(gen_width=16, critic_width=16, batch=32, holdout=100, eval_n=50, lip_pairs=10, eval_every=2,
             checkpoint_every=2, threads=1)


def test_resume_continues_bit_identical(tmp_path):
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    wgankit.train(a, steps=4, seed=3, **SMALL)
    r = wgankit.train(a, resume=True, steps=6)  # the run's settings, steps overridden
    assert "resuming" in r.log and "2 of them in this part" in r.log
    assert r.checkpoint.step == 6 and r.checkpoint.config["gen_width"] == 16
    one = wgankit.train(b, steps=6, seed=3, **SMALL)
    assert np.array_equal(r.checkpoint.sample(50, seed=1), one.checkpoint.sample(50, seed=1))
    assert [m["step"] for m in r.metrics] == [m["step"] for m in one.metrics] == [0, 2, 4, 6]
    r2 = wgankit.train(a, resume=a, steps=7)  # resume may name the run directory itself
    assert r2.checkpoint.step == 7


def test_held_run_message_names_keywords(tmp_path):
    a = str(tmp_path / "a")
    wgankit.train(a, steps=2, **SMALL)
    with pytest.raises(ValueError) as e:
        wgankit.train(a, steps=4)
    msg = str(e.value)
    assert "resume=True continues it" in msg and "force=True replaces it" in msg and "--resume" not in msg


def test_force_replaces(tmp_path):
    a = str(tmp_path / "a")
    wgankit.train(a, steps=4, **SMALL)
    r = wgankit.train(a, force=True, steps=2, **SMALL)
    assert r.checkpoint.step == 2 and [m["step"] for m in r.metrics] == [0, 2]


def test_resume_refusals(tmp_path):
    a = str(tmp_path / "a")
    with pytest.raises(ValueError, match="holds no checkpoint.safetensors"):
        wgankit.train(a, resume=True, steps=2)
    wgankit.train(a, steps=2, **SMALL)
    with pytest.raises(ValueError, match="give one of them"):
        wgankit.train(a, resume=True, force=True)
    with pytest.raises(ValueError, match="is not out"):
        wgankit.train(a, resume=str(tmp_path / "other"))
    with pytest.raises(ValueError, match="must be True or False"):
        wgankit.train(a, resume=1)
    with pytest.raises(ValueError, match="--data grid: the run started on --data ring"):
        wgankit.train(a, resume=True, data="grid", steps=3)
    with pytest.raises(ValueError, match="no_such: not a train setting"):  # was: 'a finite number in [-inf, inf], got True'
        wgankit.train(str(tmp_path / "b"), no_such=True)


def test_sample_n_with_latent(tmp_path):
    ck = wgankit.train(str(tmp_path / "a"), steps=2, **SMALL).checkpoint
    z = np.zeros((2, ck.latent_dim))
    with pytest.raises(ValueError, match="n=3 and latent exclude each other"):
        ck.sample(3, latent=z)
    assert ck.sample(latent=z).shape == (2, 2)
    assert ck.sample(2, latent=z).shape == (2, 2)
    assert ck.sample().shape == (64, 2)
