"""Sources compared as stored (tester7's finding 2 of 2026-11-30): an array or float64 file that
float32 collapses (600 points N(0, 1)·1e-50: every value 0 in float32) is refused naming it and the
column, as `wgankit train --data` refuses it (was: nnd 0, birthday "every batch a duplicate"), but
birthday measures the float64 values themselves; and birthday's closest pairs are exact for the float64 values given (two rows 5e-10 apart near 1e3 are
one float32 point: was a duplicate at any threshold)."""
import numpy as np
import pytest

import wgankit


def tiny():
    return np.random.default_rng(0).normal(size=(600, 2)) * 1e-50


def test_nnd_refuses_collapsed_array():
    with pytest.raises(ValueError, match="column 0 spans"):
        wgankit.nnd(tiny(), "ring", steps=2)


def test_nnd_refuses_collapsed_file(tmp_path):
    np.save(tmp_path / "t.npy", tiny())
    with pytest.raises(ValueError, match="t.npy: column 0 spans"):
        wgankit.nnd(str(tmp_path / "t.npy"), "ring", steps=2)


def test_birthday_measures_collapsed_array_in_float64():
    # birthday measures the float64 values given: 600 distinct points, no duplicate at 1e-60
    # (was "every batch a duplicate"; then, for a while, refused though measured in float64)
    r = wgankit.birthday(tiny(), batch=20, trials=3, threshold=1e-60)
    assert r["duplicates"] == 0


def bp():
    r = np.random.default_rng(2)
    x = r.normal(size=(30, 4)) * 100 + 1e3
    x[6] = x[1] + np.array([5e-10, 0, 0, 0])
    x[24] = x[14] + np.array([0, 1e-9, 0, 0])
    return x


def test_birthday_pairs_exact_in_float64(tmp_path):
    np.save(tmp_path / "bp.npy", bp())
    for src in (bp(), str(tmp_path / "bp.npy")):
        # the closest pair is 4.9997e-10 apart (scipy pdist): a duplicate at 7e-10, not at 1e-12
        assert wgankit.birthday(src, batch=30, trials=3, threshold=1e-12)["duplicates"] == 0
        assert wgankit.birthday(src, batch=30, trials=3, threshold=7e-10)["duplicates"] == 3


def test_checkpoint_refuses_collapsed_arrays(tmp_path):
    # the float64 arrays a checkpoint takes as they are (critic x, scaled=True; sample latent) are
    # rounded to float32 once: values float32 merges are refused naming the argument and column
    ck = wgankit.train(out=str(tmp_path / "r"), data="ring", steps=2, eval_every=0, gen_width=8, critic_width=8,
                       batch=16, latent_dim=4, threads=1).checkpoint
    with pytest.raises(ValueError, match="x: column 0 spans"):
        ck.critic(tiny()[:20])
    with pytest.raises(ValueError, match="latent: column 0 spans"):
        ck.sample(latent=np.random.default_rng(5).normal(size=(6, 4)) * 1e-50)
    assert ck.critic(np.random.default_rng(6).normal(size=(20, 2))).shape == (20,)
    assert ck.sample(latent=np.random.default_rng(7).normal(size=(6, 4))).shape == (6, 2)
