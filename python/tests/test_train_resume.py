"""wgankit.train continues and replaces runs as `wgankit train --resume/--force` do (tester finding:
neither was possible from Python, and the refusal pointed to CLI flags the function refused, so a
run that Ctrl-C stopped could not be continued from Python): resume=True (or resume=out) takes the
run's own settings, which keywords override, and ends bit-identical to one long run; force=True
replaces a run; both together, a resume without a checkpoint and a resume naming another
directory raise ValueError. Checkpoint.sample refuses an n that disagrees with latent (it was
silently ignored; the CLI refuses -n with --latent). On a MIX+GAN checkpoint component= makes
sample(latent=z) a function of z alone."""
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
    # the library names settings (Python's keywords), not the CLI's flags (was "--data grid: the run
    # started on --data ring; ... give --resume-data-changed 1")
    with pytest.raises(ValueError, match="data=grid: the run started on data=ring") as e:
        wgankit.train(a, resume=True, data="grid", steps=3)
    assert "--" not in str(e.value) and "resume_data_changed=1" in str(e.value), str(e.value)
    with pytest.raises(ValueError, match="critic_depth=5: the run's networks were built with critic_depth=") as e:
        wgankit.train(a, resume=True, critic_depth=5, steps=3)
    assert "--" not in str(e.value), str(e.value)
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


def test_mixture_sample_latent_component(tmp_path):
    """MIX+GAN (tester finding 12): sample(latent=z) draws each row's generator with w_G from the
    seed, so the rows depend on the seed; component=j takes every row from generator j, a function
    of z alone, equal to the CLI's `sample --latent --component j`; a component beyond the run's
    generators is refused."""
    ck = wgankit.train(str(tmp_path / "m"), steps=2, mix=3, **SMALL).checkpoint
    z = np.random.default_rng(0).normal(size=(40, ck.latent_dim))
    a, b = ck.sample(latent=z, seed=0), ck.sample(latent=z, seed=5)
    assert (a != b).any(axis=1).sum() > 0  # the documented seed dependence of the component draw
    parts = [ck.sample(latent=z, component=j) for j in range(3)]
    for j in range(3):
        assert np.array_equal(parts[j], ck.sample(latent=z, seed=123, component=j))
    # every row of the seed-0 draw is one of the three components' outputs of that row's code
    # (to float rounding: a component computes its rows in a batch of another size)
    assert all(any(np.allclose(a[i], p[i], rtol=1e-5, atol=1e-6) for p in parts) for i in range(len(z)))
    with pytest.raises(ValueError, match="component"):
        ck.sample(latent=z, component=3)
    single = wgankit.train(str(tmp_path / "s"), steps=2, **SMALL).checkpoint
    assert np.array_equal(single.sample(latent=z, component=0), single.sample(latent=z))
