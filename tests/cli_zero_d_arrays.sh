#!/bin/bash
# cli_zero_d_arrays.sh — a 0-d array (np.save of one number) is one point of one coordinate,
# [1, 1], in every command that reads points or samples: `w1` measures it, `gmm:means=` takes it
# as one mean, and the dataset loader behind --data and every file source (draw, nnd, birthday,
# generalization, train, Python's file sources) refuses it as too few samples, exit 2 naming the
# file; `critic --input` takes it as one point where the run's samples are one value, and says
# what it is, naming the file, where they are more. (FINDINGS tester8 #2: the loader took the samples' dimension count as -1, its error path
# freed a pointer it never allocated, free(0x1), and every one of those commands died with SIGSEGV.)
set -u
source "$(dirname "$0")/lib_cli.sh"
in_tmp "$1"
"$PY" - <<'PY'
import numpy as np
np.save("f8.npy", np.float64(3.5)); np.save("f4.npy", np.float32(1)); np.save("u1.npy", np.uint8(3))
np.save("i8.npy", np.int64(3)); np.save("b1.npy", np.bool_(True)); np.save("one.npy", np.float64(1.0))
PY
for f in f8 f4 u1 i8 b1; do
    need="$f.npy: need at least 2 samples, got 1"
    expect_exit2 "draw of a 0-d $f" "$need" "$CLI" draw $f.npy -n 3 -o x.npy
    expect_exit2 "nnd of a 0-d $f" "$need" "$CLI" nnd $f.npy ring -m 10
    expect_exit2 "birthday of a 0-d $f" "$need" "$CLI" birthday $f.npy --batch 2 --threshold 0.1
    expect_exit2 "birthday --reference a 0-d $f" "$need" "$CLI" birthday ring --batch 5 --trials 2 --reference $f.npy --out b$f
    expect_exit2 "generalization of a 0-d $f" "$need" "$CLI" generalization $f.npy --sizes 2,3 --out g$f
    expect_exit2 "train --data a 0-d $f" "$need" "$CLI" train --data $f.npy --steps 1 --out t$f --force
done
# the one-point reading where one point is enough: W1 between 3.5 and 1 is 2.5; one mean at 3.5
check "w1 of two 0-d files is |3.5 - 1|" test "$("$CLI" w1 f8.npy one.npy 2>&1)" = "2.5"
check "gmm:means= of a 0-d file is one 1-D mean" test "$("$CLI" data gmm:means=f8.npy,sigma=0 -n 2 2>&1 | tr '\n' ' ')" = "3.5 3.5 "
# critic --input: the 0-d array is that one point too: refused by a run of 2-value samples naming
# the file and saying what a 0-d array is (was: "critic input [] does not hold samples of shape
# 2"), taken by a run of 1-value samples as the row [[3.5]] would be
Q="--steps 2 --eval-every 0 --eval-n 20 --holdout 50 --batch 16 --lip-pairs 10 --threads 1 --progress 0"
"$CLI" train $Q --data ring --out r2 >/dev/null 2>&1
expect_exit2 "critic --input a 0-d file on a 2-D run: exit 2 naming the file" \
    "^wgankit critic: f8.npy: a 0-d array (one number: one point of one coordinate) holds no sample of shape 2" \
    "$CLI" critic --checkpoint r2/checkpoint.safetensors --input f8.npy -o d.npy
check "... and nothing written" test ! -e d.npy
"$CLI" train $Q --data gaussian:dim=1 --out r1 >/dev/null 2>&1
"$PY" -c "import numpy as np; np.save('row.npy', np.array([[3.5]]))"
check "critic --input a 0-d file on a 1-D run: its one point" \
    "$CLI" critic --checkpoint r1/checkpoint.safetensors --input f8.npy -o d0.npy
"$CLI" critic --checkpoint r1/checkpoint.safetensors --input row.npy -o d1.npy
check "... the value of the row [[3.5]]" cmp -s d0.npy d1.npy
[ $fail = 0 ] && echo "cli_zero_d_arrays: all passed"
exit $fail
