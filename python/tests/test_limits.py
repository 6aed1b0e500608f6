"""Integer arguments outside what the library and the CLI accept raise ValueError naming the
argument, never a crash: threads in [0, 64] for every function with threads (one shared check,
wgankit._threads), seeds in [0, 2^53 - 1] for every seed argument (the CLI's --seed bound),
sample counts with their upper limit in the message; the dense solvers blame the side whose
mass is off (an empty side is uniform with mass 1)."""
import re

import numpy as np
import pytest

import wgankit

X = np.random.default_rng(0).random((50, 2))


def raises(name, fn, *args, **kw):
    with pytest.raises(ValueError) as e:
        fn(*args, **kw)
    assert re.match(r"^%s\b" % re.escape(name), str(e.value)), str(e.value)
    return str(e.value)


@pytest.mark.parametrize("bad", [100000, 50000, 65, -5, 10 ** 6, 2 ** 70])
def test_threads_out_of_range(bad):
    # was: a segfault (100000), "libgomp: Thread creation failed" (50000), silent acceptance in w1
    assert "[0, 64]" in raises("threads", wgankit.sliced_w1, X, X + 1, 10, threads=bad)
    assert "[0, 64]" in raises("threads", wgankit.w1, X, X + 1, threads=bad)
    raises("threads", wgankit.nnd, X, X + 1, threads=bad, steps=2)
    raises("threads", wgankit.generalization, "ring", [10, 20], distances="w1", threads=bad)


def test_threads_in_range_still_work():
    assert wgankit.sliced_w1(X, X + 1, 10, threads=64) > 0
    assert abs(wgankit.w1(X, X + 1, threads=0) - np.sqrt(2)) < 1e-9


@pytest.mark.parametrize("bad", [2 ** 53, 2 ** 64, -1])
def test_seed_out_of_range(bad):
    assert "9007199254740991" in raises("seed", wgankit.sliced_w1, X, X + 1, 10, seed=bad)
    raises("seed", wgankit.data, "ring", 10, bad)
    raises("seed", wgankit.birthday, X, 5, 2, threshold=0.1, seed=bad)
    raises("seed", wgankit.nnd, X, X + 1, seed=bad, steps=2)
    raises("seed", wgankit.generalization, "ring", [10, 20], distances="w1", seed=bad)


def test_seed_top_of_range_accepted():
    assert wgankit.data("ring", 3, 2 ** 53 - 1).shape == (3, 2)


def test_data_n_says_upper_limit():
    assert "[1, 100000000]" in raises("n", wgankit.data, "ring", 2 ** 41)  # the CLI's data -n cap


@pytest.mark.parametrize("big", [2 ** 31, 2 ** 63, 10 ** 20, -(10 ** 20)])
def test_int_arguments_beyond_c_types_are_value_errors(big):
    # was: OverflowError ("Python int too large to convert to C long") from the argument parser
    assert "[1, 100000000]" in raises("n", wgankit.data, "ring", big)  # the CLI's caps
    assert "[1, 1000000]" in raises("n_projections", wgankit.sliced_w1, X, X + 1, big)
    assert "[1, 100000000]" in raises("numItermax", wgankit.sinkhorn2, [], [], np.ones((2, 2)), 1.0, big)


def test_emd2_blames_the_side_whose_mass_is_off():
    M = np.ones((3, 2))
    msg = raises("a", wgankit.emd2, [0.5, 0.5, 0.1], [], M)
    assert "1.1" in msg
    raises("b", wgankit.emd2, [], [0.5, 0.6], M)
    raises("b", wgankit.emd2, [0.2, 0.3, 0.5], [0.5, 0.6], M)
    raises("a", wgankit.sinkhorn2, [0.5, 0.5, 0.1], [], M, 1.0)
    raises("b", wgankit.sinkhorn2, [], [0.5, 0.6], M, 1.0)


def test_data_beyond_memory_is_refused_before_allocating():
    # was: numpy's array allocated (MemoryError only when beyond the overcommit limit; a request
    # between free memory and that limit met the OOM killer while sampling): the library's memory
    # check runs first and names the spec and n, as `wgankit data -n` does; a MemoryError (the
    # library's WK_ENOFIT: it does not fit this machine), was a ValueError as if n were malformed
    with pytest.raises(MemoryError) as e:
        wgankit.data("gaussian:dim=1000", 25_000_000)
    assert "gaussian:dim=1000: n = 25000000 samples of 1000 values needs 100000000000 bytes" in str(e.value), str(e.value)
    assert wgankit.data("gaussian:dim=1000", 10).shape == (10, 1000)
