#!/bin/bash
# cli_output_aliases.sh — a command's outputs never alias each other or an input: `critic -o F
# --grad F` (also as ./F, or a hard link) and `critic --input F -o F` exit 2 naming both flags
# before anything is written (were: exit 0, the values lost under the gradients / the input points
# replaced by critic values); the same for `critic -o` over its checkpoint, `sample -o` over
# --latent, `draw F -o F` and `metrics --save-features` over --real. Distinct files still work. $1: the CLI binary.
set -u
source "$(dirname "$0")/lib_cli.sh"
in_tmp "$1"
"$CLI" train --steps 2 --batch 16 --eval-every 0 --eval-n 20 --holdout 50 --lip-pairs 10 --threads 1 --progress 0 --out "$T/r" >/dev/null 2>&1
C="$T/r/checkpoint.safetensors"
"$CLI" data ring -n 30 -o "$T/X.npy" >/dev/null
expect_exit2 "critic -o F --grad F refused" "-o same.npy and --grad same.npy name the same file" \
    "$CLI" critic --checkpoint "$C" --input X.npy -o same.npy --grad same.npy
check "... nothing written" test ! -e same.npy
expect_exit2 "critic -o F --grad ./F refused" "-o same.npy and --grad ./same.npy name the same file" \
    "$CLI" critic --checkpoint "$C" --input X.npy -o same.npy --grad ./same.npy
"$CLI" critic --checkpoint "$C" --input X.npy -o d.npy >/dev/null 2>&1; ln d.npy dlink.npy
cp d.npy d.before
expect_exit2 "critic outputs that are hard links of one file refused" "-o d.npy and --grad dlink.npy name the same file" \
    "$CLI" critic --checkpoint "$C" --input X.npy -o d.npy --grad dlink.npy
check "... the existing file untouched" cmp -s d.npy d.before
cp X.npy Xc.npy
expect_exit2 "critic --input F -o F refused" "-o Xc.npy is the --input file" \
    "$CLI" critic --checkpoint "$C" --input Xc.npy -o Xc.npy
expect_exit2 "critic --input F --grad ../dir/F refused" "--grad ../$(basename "$T")/Xc.npy is the --input file" \
    "$CLI" critic --checkpoint "$C" --input Xc.npy --grad "../$(basename "$T")/Xc.npy"
check "... the input kept" cmp -s X.npy Xc.npy
check "distinct outputs still work" bash -c "'$CLI' critic --checkpoint '$C' --input X.npy -o v.npy --grad g.npy >/dev/null"
check "... values [30] and gradients [30, 2]" $PY -c "
import numpy as np; assert np.load('v.npy').shape == (30,) and np.load('g.npy').shape == (30, 2)"
$PY -c "import numpy as np; np.save('z.npy', np.zeros((3, 2), np.float32))"
expect_exit2 "sample -o over its --latent refused" "-o z.npy is the --latent file" \
    "$CLI" sample --checkpoint "$C" --latent z.npy -o z.npy
cp "$C" ck.before
expect_exit2 "critic -o over its checkpoint refused" "is the --checkpoint file" \
    "$CLI" critic --checkpoint "$C" --input X.npy -o "$T/r/../r/checkpoint.safetensors"
check "... the checkpoint kept" cmp -s "$C" ck.before
cp X.npy Xd.npy
expect_exit2 "draw F -o F refused" "-o Xd.npy is the SOURCE file" "$CLI" draw Xd.npy -n 5 -o Xd.npy
check "... the source kept" cmp -s X.npy Xd.npy
# metrics --save-features F writes F.real.npy and F.fake.npy: never over --real / --fake
$PY -c "import numpy as np; np.save('m.real.npy', np.random.default_rng(1).normal(size=(50, 3))); np.save('mf.npy', np.random.default_rng(2).normal(size=(50, 3)))"
cp m.real.npy m.before
expect_exit2 "metrics --save-features over its --real refused" "--save-features (real) m.real.npy is the --real file" \
    "$CLI" metrics --real m.real.npy --fake mf.npy --features none --metrics fd --save-features m
check "... the input kept" cmp -s m.real.npy m.before
exit $fail
