#!/usr/bin/env bash
# long_python_install.sh — the README's offline install of the Python package works (issue 14,
# acceptance 4): a fresh clone of the committed branch, a virtual environment that sees Debian's numpy,
# `pip install --no-build-isolation --no-index .`, then import and one computation, from outside
# the source tree. Nothing is downloaded (--no-index fails if pip tries).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git clone -q "$root" "$tmp/src" # a fresh clone of the committed branch
python3=/usr/bin/python3
"$python3" -m venv --system-site-packages "$tmp/venv"
(cd "$tmp/src" && "$tmp/venv/bin/pip" install --no-build-isolation --no-index . >"$tmp/pip.log" 2>&1) || { tail -30 "$tmp/pip.log"; exit 1; }
cd "$tmp/venv"
out=$("$tmp/venv/bin/python" -c "import wgankit; print(wgankit.__version__); print(wgankit.w1([[0, 0]], [[3, 4]]))")
echo "$out"
[ "$(echo "$out" | tail -1)" = "5.0" ] || { echo "FAIL: w1 of (0,0) and (3,4) is not 5.0"; exit 1; }
"$tmp/venv/bin/python" -c "import wgankit, os; assert wgankit.__file__.startswith('$tmp/venv'), wgankit.__file__"
# the shipped feature network is installed with the package and used from there, so the image metrics
# survive moving the clone away (were: the clone's absolute path compiled in; FD/KID/IS silently gone)
mv "$tmp/src" "$tmp/src_moved"
"$tmp/venv/bin/python" -c "
import os, wgankit
p = wgankit._c.default_features()
assert p.startswith('$tmp/venv') and os.path.isfile(p), p
import numpy as np
x = np.random.default_rng(0).integers(0, 256, (300, 28, 28), dtype=np.uint8)
np.save('fx.npy', x)
r = wgankit.train(out='pyimg', data='fx.npy', gen='dcgan', critic_net='dcgan', critic='gp', batch=16,
                  steps=2, eval_every=2, checkpoint_every=2, eval_n=200, dcgan_width=8, threads=2)
m = r.metrics[-1]
assert 'fd' in m and 'kid' in m and m.get('features', '').startswith('fashion-mnist-lenet@'), m
print('image metrics with the clone moved:', {k: m[k] for k in ('fd', 'kid', 'features')})"
echo "long_python_install: ok"
