#!/bin/bash
# long_metrics_sanity.sh — issue 13 acceptance 2, Heusel et al. (2017, sec. 3 / fig. 3) with the
# shipped Fashion-MNIST feature network: FD between 5,000 real test images and 5,000 other test
# images disturbed at 4 increasing strengths must rise strictly, for each of Gaussian noise,
# Gaussian blur, black rectangles, and mixing in images of another class (a swap of a growing
# share of the set for ankle boots). Prints FD train vs test (small) and FD of uniform noise (large).
set -u
CLI=${1:?usage: long_metrics_sanity.sh path/to/wgankit}
D=/usr/share/datasets/fashion-mnist
NET=${WGANKIT_FEATURES:-models/fashion-mnist-lenet.safetensors}
PY=/usr/bin/python3
[ -r "$D/t10k-images-idx3-ubyte.gz" ] || { echo "SKIP: $D missing (scripts/install-deps installs dataset-fashion-mnist)"; exit 0; }
[ -r "$NET" ] || { echo "FAIL: $NET missing (make models)"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
$PY - "$T" "$D" <<'PY' || exit 1
import gzip, sys, numpy as np
from scipy import ndimage
t, d = sys.argv[1], sys.argv[2]
def idx(name, off, shape):
    with gzip.open(f"{d}/{name}") as f:
        return np.frombuffer(f.read(), np.uint8, offset=off).reshape(shape)
x = idx("t10k-images-idx3-ubyte.gz", 16, (-1, 28, 28)).astype(np.float64)
y = idx("t10k-labels-idx1-ubyte.gz", 8, (-1,))
tr = idx("train-images-idx3-ubyte.gz", 16, (-1, 28, 28))
rng = np.random.default_rng(13)
perm = rng.permutation(len(x))
ref, other = perm[:5000], perm[5000:]
np.save(f"{t}/real.npy", x[ref].astype(np.uint8))
np.save(f"{t}/train.npy", tr[:5000])
np.save(f"{t}/uniform.npy", rng.integers(0, 256, (5000, 28, 28)).astype(np.uint8))
base = x[other]
boots = x[y == 9]
def save(name, a):
    np.save(f"{t}/{name}.npy", np.clip(np.rint(a), 0, 255).astype(np.uint8))
for lvl, (sig, blur, rect, mix) in enumerate(zip([10, 25, 50, 100], [0.5, 1.0, 1.5, 2.5], [4, 8, 12, 16], [0.1, 0.25, 0.5, 0.75]), 1):
    save(f"noise{lvl}", base + rng.normal(0, sig, base.shape))
    save(f"blur{lvl}", np.stack([ndimage.gaussian_filter(im, blur) for im in base]))
    r = base.copy()
    for im in r:  # one black rectangle of side `rect` at a random place
        i, j = rng.integers(0, 28 - rect + 1, 2)
        im[i:i + rect, j:j + rect] = 0
    save(f"rect{lvl}", r)
    m = base.copy()
    k = int(mix * len(m))
    m[:k] = boots[rng.integers(0, len(boots), k)]
    save(f"mix{lvl}", m)
PY
fd() { "$CLI" metrics --real "$T/real.npy" --fake "$T/$1.npy" --features "$NET" --metrics fd --json 2>/dev/null |
       $PY -c "import json,sys; print(json.load(sys.stdin)['fd'])"; }
fail=0
for kind in noise blur rect mix; do
    prev=-1; line="$kind:"
    for lvl in 1 2 3 4; do
        v=$(fd $kind$lvl)
        line="$line $v"
        $PY -c "import sys; sys.exit(0 if float(sys.argv[1]) > float(sys.argv[2]) else 1)" "$v" "$prev" || fail=1
        prev=$v
    done
    echo "$line"
done
tt=$(fd train); un=$(fd uniform)
echo "FD train vs test: $tt   FD uniform noise vs test: $un"
$PY -c "import sys; sys.exit(0 if float(sys.argv[2]) > 100 * float(sys.argv[1]) else 1)" "$tt" "$un" || { echo "FAIL: uniform noise not >> train"; fail=1; }
[ $fail -eq 0 ] && echo "ok: FD rises strictly with every disturbance" || echo "FAIL: FD order"
exit $fail
