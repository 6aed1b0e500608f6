#!/bin/bash
# long_arora_birthday.sh — issue 12 acceptance 4 (GAN part) and 5 (make check-long):
#  4. a GAN trained on ring (the default demo run): `birthday gen:RUN` writes the pair picture and a
#     support estimate, in the input space (threshold: 5% quantile of the run's real data) and in the
#     critic's feature space.
#  5. Fashion-MNIST as file sources (flattened MLP critics): nnd between the training and test images
#     (one distribution: held-out value near 0 against the W1 between the same halves), generalization
#     on the training images, birthday on the test images with the training images as reference, with the
#     picture of the 20 closest image pairs. (MIX+GAN, the fourth command of the issue, is not built.)
# Figures are left in $WK_LONG_OUT (default /tmp/wk_long_arora) for the report.
set -u
CLI=$1
OUT=${WK_LONG_OUT:-/tmp/wk_long_arora}
mkdir -p "$OUT"
fail=0
check() { local what=$1; shift; if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fail=1; fi; }

# a second run replaces the first's training run (train refuses a run directory that exists)
rm -rf "$OUT/ring_run"
"$CLI" train --progress 0 --out "$OUT/ring_run" >"$OUT/ring_run.log" 2>&1 || { echo "FAIL train"; tail -3 "$OUT/ring_run.log"; exit 1; }
"$CLI" birthday "gen:$OUT/ring_run" --batch 200 --trials 100 --out "$OUT/bd_ring" --json | tee "$OUT/bd_ring.json"
check "ring GAN: pair picture" test -s "$OUT/bd_ring/pairs.png"
check "ring GAN: an estimate" grep -q '"support_estimate"' "$OUT/bd_ring.json"
"$CLI" birthday "gen:$OUT/ring_run" --batch 200 --trials 100 --space "critic:$OUT/ring_run" --out "$OUT/bd_ring_critic" --json |
    tee "$OUT/bd_ring_critic.json"
check "ring GAN, critic space: an estimate" grep -q '"support_estimate"' "$OUT/bd_ring_critic.json"

D=/usr/share/datasets/fashion-mnist
if [ -r "$D/train-images-idx3-ubyte.gz" ]; then
    TR=$D/train-images-idx3-ubyte.gz TE=$D/t10k-images-idx3-ubyte.gz
    "$CLI" nnd "$TR" "$TE" -m 4000 --repeats 3 --w1 --json | tee "$OUT/fmnist_nnd.json"
    check "Fashion-MNIST nnd ran" grep -q '"nnd_heldout"' "$OUT/fmnist_nnd.json"
    "$CLI" generalization "$TR" --sizes 100,300,1000 --repeats 3 --distances w1,nnd --out "$OUT/fmnist_gen" |
        tee "$OUT/fmnist_gen.log"
    check "Fashion-MNIST generalization plot" test -s "$OUT/fmnist_gen/loglog.png"
    "$CLI" birthday "$TE" --reference "$TR" --batch 500 --trials 50 --out "$OUT/fmnist_bd" --json | tee "$OUT/fmnist_bd.json"
    check "Fashion-MNIST birthday: image pairs" test -s "$OUT/fmnist_bd/pairs.png"
else
    echo "SKIP Fashion-MNIST: $D missing (scripts/install-deps installs dataset-fashion-mnist)"
fi
exit $fail
