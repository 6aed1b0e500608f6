"""float64 data the library holds as float32 is refused beyond float32's range, naming the entry
(FINDINGS 4): Checkpoint.critic returned NaN for 1e39 (with a finite gradient), lipschitz(x=)
called a finite 1e300 "not finite"; sources and latent codes say the same."""
import numpy as np
import pytest

import wgankit

BEYOND = r"^x: entry 0 \(flat index\) is %s, beyond float32's range \(the library's coordinates are float32\)"


@pytest.fixture(scope="module")
def ck(tmp_path_factory):
    out = tmp_path_factory.mktemp("f32") / "r"
    return wgankit.train(out=str(out), steps=2, eval_every=1, gen_width=8, critic_width=8, batch=16, holdout=32,
                         eval_n=32, threads=1).checkpoint


def test_critic_beyond_float32(ck):
    with pytest.raises(ValueError, match=BEYOND % r"9\.9999999999999994e\+38"):
        ck.critic(np.array([[1e39, 0.0], [0.5, 0.5]]))
    with pytest.raises(ValueError, match=BEYOND % r"9\.9999999999999994e\+38"):
        ck.critic(np.array([[1e39, 0.0]]), grad=True)
    with pytest.raises(ValueError, match=r"^x: entry 3 \(flat index\) is -1\.0000000000000001e\+300, beyond float32's range"):
        ck.critic([[0.0, 0.0], [1.0, -1e300]])
    # float32's largest is fine and finite
    v = ck.critic(np.array([[np.finfo(np.float32).max, 0.0]]))
    assert v.shape == (1,)


def test_lipschitz_beyond_float32(ck):
    with pytest.raises(ValueError, match=BEYOND % r"1\.0000000000000001e\+300"):
        ck.lipschitz(x=np.array([[1e300, 0.0]]))
    with pytest.raises(ValueError, match=r"^x: entry 0 \(flat index\) is NaN"):
        ck.lipschitz(x=np.array([[np.nan, 0.0]]))
    with pytest.raises(ValueError, match=r"^x: must be a non-empty array"):
        ck.lipschitz(x=np.zeros((0, 2)))
    r = ck.lipschitz(x=np.array([[0.5, 0.25], [0.0, 1.0]]))  # float64 within range: as before
    assert r["n_points"] == 2


def test_sources_and_latent_beyond_float32(ck):
    big = np.array([[1e39, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 0.0]])
    with pytest.raises(ValueError, match=r"^A: entry 0 \(flat index\) is 9\.9999999999999994e\+38, beyond float32"):
        wgankit.nnd(big, big + 1, steps=2)
    with pytest.raises(ValueError, match=r"^source: entry 0 \(flat index\) is 9\.9999999999999994e\+38, beyond"):
        wgankit.birthday(big, 2, 2, threshold=0.1)
    with pytest.raises(ValueError, match=r"^latent: entry 0 \(flat index\) is 1\.0000000000000001e\+300, beyond"):
        ck.sample(latent=np.array([[1e300, 0.0]]))
