"""A run's data scaling is resolved once on its training data and kept in the checkpoint
(Checkpoint.data_scale): Checkpoint.critic(x, scaled=False) maps data as `wgankit critic --input`
does, so the CLI and Python agree, and the same points as integers or floats give one value."""
import json
import struct
import subprocess

import numpy as np
import pytest

import wgankit
from conftest import cli

SMALL = dict(steps=3, eval_every=0, gen_width=16, critic_width=16, batch=32, holdout=50, eval_n=50, threads=1)


@pytest.fixture(scope="module")
def byte_run(tmp_path_factory):
    d = tmp_path_factory.mktemp("scale")
    u = np.random.default_rng(1).integers(0, 256, size=(300, 2)).astype(np.uint8)
    u[0] = [0, 255]
    np.save(d / "bytes.npy", u)
    return d, u, wgankit.train(out=str(d / "r"), data=str(d / "bytes.npy"), **SMALL).checkpoint


def test_kept_map_is_bytes(byte_run):
    _, _, ck = byte_run
    assert ck.data_scale == {"scale": "u8", "mul": [1 / 127.5], "add": [-1.0]}


def test_unscaled_critic_equals_cli_and_scaled(byte_run):
    d, u, ck = byte_run
    subprocess.run([cli(), "critic", "--checkpoint", ck.path, "--input", str(d / "bytes.npy"), "-o", str(d / "c.npy")],
                   check=True, capture_output=True)
    want = np.load(d / "c.npy")
    for x in (u, u.astype(np.float64), u.astype(np.int64)):  # one point whatever its dtype
        assert np.allclose(ck.critic(x, scaled=False), want, rtol=0, atol=1e-6)
    assert np.allclose(ck.critic(u.astype(np.float64) / 127.5 - 1), want, rtol=0, atol=1e-6)


def test_float_table_of_integers_keeps_its_units(tmp_path):
    lat = np.random.default_rng(0).integers(0, 11, size=(300, 2)).astype(np.float64)
    np.savetxt(tmp_path / "lat.csv", lat, fmt="%d", delimiter=",")
    ck = wgankit.train(out=str(tmp_path / "r"), data=str(tmp_path / "lat.csv"), **SMALL).checkpoint
    assert ck.data_scale["scale"] == "none"
    assert np.array_equal(ck.critic(lat, scaled=False), ck.critic(lat))


def older(src, dst):
    """A copy of checkpoint src as wgankit wrote it before runs kept their scaling: without the
    metadata wgankit.data_scale (as tests/cli_data_scale.sh makes one)."""
    b = open(src, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    h = json.loads(b[8:8 + n])
    h["__metadata__"].pop("wgankit.data_scale")
    hb = json.dumps(h).encode()
    hb += b" " * (-len(hb) % 8)
    open(dst, "wb").write(struct.pack("<Q", len(hb)) + hb + b[8 + n:])
    return str(dst)


@pytest.fixture(scope="module")
def minmax_run(tmp_path_factory):
    d = tmp_path_factory.mktemp("minmax")
    x = np.random.default_rng(2).random((300, 2)) * [1.0, 50.0] + [0.0, 100.0]  # columns of other ranges
    np.save(d / "x.npy", x)
    return d, x, wgankit.train(out=str(d / "r"), data=str(d / "x.npy"), scale="minmax", **SMALL).checkpoint


@pytest.mark.parametrize("which", ["bytes", "minmax"])
def test_unscaled_critic_of_an_older_checkpoint_redecides_as_the_cli(byte_run, minmax_run, which):
    # was: ValueError "scaled=False: ... predates kept data scalings"; the CLI re-decides the run's
    # scale on the input by the train-time rule of then (wk_data_scale_redecide): Python now too
    d, x, ck = byte_run if which == "bytes" else minmax_run
    path = older(ck.path, d / "old.safetensors")
    src = d / ("bytes.npy" if which == "bytes" else "x.npy")
    out = subprocess.run([cli(), "critic", "--checkpoint", path, "--input", str(src), "-o", str(d / "old.npy")],
                         check=True, capture_output=True, text=True)
    said = out.stderr.split("predates kept scalings): ")[1].strip()
    want = np.load(d / "old.npy")
    old = wgankit.Checkpoint(path)
    assert old.data_scale is None
    with pytest.warns(UserWarning, match="predates kept scalings") as w:
        got = old.critic(x, scaled=False)
    assert str(w[0].message).endswith(": " + said)  # the CLI's map, in the CLI's words
    assert np.array_equal(got, want.astype(np.float64))
    if which == "minmax":  # the older rule: one range over all values, not the kept per-column map
        assert said.startswith("min-max: x * ") and not np.allclose(got, ck.critic(x, scaled=False), rtol=0, atol=1e-6)
    else:
        assert said == "bytes: x * 0.00784313725 -1"
