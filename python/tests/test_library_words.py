"""The library's messages as Python sees them: settings named as keywords (key=value), never the
CLI's flags (was: "--track-generalization (track_generalization) needs ... --data-n N", "--data-n
100000000 samples"); an input too large for memory is a MemoryError (the library's WK_ENOFIT, "does
not fit"; was a ValueError, as if the file were malformed); an array source of one row is refused
as the same row saved as a file is (was: accepted by the source, then refused by each function in
its own words)."""
import gzip
import struct

import numpy as np
import pytest

import wgankit

SMALL = dict(gen_width=16, critic_width=16, batch=16, holdout=50, eval_n=20, lip_pairs=10, eval_every=0, threads=1)


def test_track_generalization_names_settings(tmp_path):
    with pytest.raises(ValueError) as e:
        wgankit.train(str(tmp_path / "r"), data="ring", track_generalization=True, steps=1, **SMALL)
    msg = str(e.value)
    assert "track_generalization=1 needs a finite training sample" in msg and "data_n=N" in msg, msg
    assert "--" not in msg, msg


def test_data_n_beyond_memory_names_the_setting(tmp_path):
    with pytest.raises(MemoryError) as e:
        wgankit.train(str(tmp_path / "r"), data="gaussian:dim=1000", data_n=100_000_000, steps=1, **SMALL)
    msg = str(e.value)
    assert "gaussian:dim=1000: data_n=100000000 samples of 1000 values needs" in msg, msg
    assert "--" not in msg, msg


def test_file_beyond_memory_is_memory_error(tmp_path):
    # a gzip'd NPY whose header claims 2e11 float64 values: refused from its header, before inflating
    h = "{'descr': '<f8', 'fortran_order': False, 'shape': (100000000000, 2), }"
    h += " " * (117 - len(h)) + "\n"
    f = tmp_path / "claim.npy.gz"
    f.write_bytes(gzip.compress(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h.encode() + bytes(800)))
    with pytest.raises(MemoryError, match="claim.npy.gz: .*too large for this machine"):
        wgankit.nnd(str(f), "ring")


def test_one_row_array_source_refused_as_its_file(tmp_path):
    one = np.array([[0.5, 0.25]])
    f = tmp_path / "one.npy"
    np.save(f, one)
    calls = [
        ("A", lambda s: wgankit.nnd(s, "ring", repeats=1)),
        ("B", lambda s: wgankit.nnd("ring", s, repeats=1)),
        ("source", lambda s: wgankit.generalization(s, [2, 3], repeats=1, distances=["w1"])),
        ("reference", lambda s: wgankit.birthday("ring", 5, trials=2, reference=s)),
    ]
    for name, call in calls:
        for src in (str(f), one, one.astype(np.float32), np.float64(3.5)):
            with pytest.raises(ValueError) as e:
                call(src)
            msg = str(e.value)
            assert msg.startswith(name + ": ") and "need at least 2 samples, got 1" in msg, (name, type(src), msg)
    # two rows are a source, as a file of them is
    two = np.array([[0.5, 0.25], [1.0, -1.0]])
    assert wgankit.nnd(two, two + 1, repeats=1, steps=20)["repeats"] == 1


@pytest.mark.parametrize("settings, words", [
    (dict(data="ring", eval_metrics="fd,is"), "eval_metrics=fd,is: IS needs a classifier's probabilities; data=ring is points"),
    (dict(data="ring", export_orthonormal=1, critic="gp"), "export_orthonormal=1 needs critic=bjorck"),
])
def test_setting_refusals_name_settings(tmp_path, settings, words):
    # was: "--eval-metrics fd,is: ... --data ring is points", "export_orthonormal 1 needs --critic bjorck"
    with pytest.raises(ValueError) as e:
        wgankit.train(str(tmp_path / "r"), steps=1, **{**SMALL, **settings})
    assert words in str(e.value) and "--" not in str(e.value), str(e.value)


def test_resume_on_changed_file_names_settings(tmp_path):
    # was: "--resume DIR: --data F: the data changed ...; restore it, or give --resume-data-changed 1"
    f = tmp_path / "d.npy"
    np.save(f, np.random.default_rng(0).normal(size=(200, 2)))
    out = str(tmp_path / "r")
    wgankit.train(out, data=str(f), steps=2, **SMALL)
    np.save(f, np.random.default_rng(1).normal(size=(200, 2)))
    with pytest.raises(ValueError) as e:
        wgankit.train(out, resume=True, steps=3)
    msg = str(e.value)
    assert "the data changed since the run started" in msg and "resume_data_changed=1" in msg, msg
    assert "--" not in msg, msg
