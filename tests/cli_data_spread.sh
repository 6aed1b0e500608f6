#!/bin/bash
# cli_data_spread.sh — the float32 spread check of point data (src/data/scale.c check_spread):
#   ulp    a column whose float64 values differ only by rounding noise (0.3 and 0.30000000000000004,
#          a spread of 5.55e-17) is a constant column, not a spread float32 loses (was: exit 2 under
#          --scale auto, advising --scale minmax, which maps the noise to +-1); 1e8 + N(0, 1) is still
#          refused.
#   paths  every file or array compared with a run whose kept map is the identity is checked alike:
#          critic --input, eval --data, nnd/birthday FILE with gen:RUN, Python nnd on a file or an array
#          (was: eval --data, nnd/birthday files and Python files took 1e8 + N(0, 1) as a few points).
#   advice the refusal's advice fits the command: training says "train with --scale minmax", a
#          command comparing data with a run (critic, eval, nnd, birthday, Python nnd) says the run keeps
#          values as stored (was: "train with --scale minmax" from commands that do not train).
#          (a file compared with gen:RUN is now read once, its float64 rows kept from that read: the
#          nnd/birthday/Python file checks above run on them.)
set -u
source "$(dirname "$0")/lib_cli.sh"
export PYTHONPATH=$(realpath "$(dirname "$0")/../python")
in_tmp "$1"
SMALL="--gen-width 16 --critic-width 16 --batch 32 --n-critic 1 --eval-every 0 --eval-n 50 --holdout 50 --threads 1 --progress 0"
"$PY" - <<'PY'
import numpy as np
r = np.random.default_rng(0)
x = r.normal(size=(300, 2))
with open("ulp.csv", "w") as f:  # column 1: 0.3 or the next float64 above it
    for i in range(300): f.write("%r,%s\n" % (x[i, 0], "0.3" if i % 2 else "0.30000000000000004"))
np.save("big.npy", np.c_[x[:, 0], 1e8 + x[:, 1]])
np.save("pts.npy", x)
PY

# --- ulp: rounding noise in float64 is a constant column ------------------------------------------
"$CLI" train --data ulp.csv $SMALL --steps 1 --out rulp >/dev/null 2>rulp.err
check "a column of 0.3 and 0.30000000000000004 trains under --scale auto (rc 0): $(head -c 300 rulp.err)" test -f rulp/checkpoint.safetensors
expect_exit2 "1e8 + N(0, 1) under --scale auto is still refused, advising to train with --scale minmax" "big.npy: column 1 spans .*train with --scale minmax" \
    "$CLI" train --data big.npy $SMALL --steps 1 --out rbig

# --- paths: a run whose kept map is the identity (--scale auto on point data) --------------------
"$CLI" train --data pts.npy $SMALL --steps 1 --out rid >/dev/null 2>&1
expect_exit2 "critic --input big.npy with an identity-map run" "big.npy: column 1 spans" \
    "$CLI" critic --checkpoint rid/checkpoint.safetensors --input big.npy -o c.npy
expect_exit2 "eval --data big.npy with an identity-map run" "big.npy: column 1 spans" \
    "$CLI" eval --checkpoint rid/checkpoint.safetensors --data big.npy
expect_exit2 "nnd big.npy gen:RUN with an identity-map run" "big.npy: column 1 spans" \
    "$CLI" nnd big.npy gen:rid -m 50 --steps 2
expect_exit2 "birthday big.npy --reference gen:RUN with an identity-map run" "big.npy: column 1 spans" \
    "$CLI" birthday big.npy --reference gen:rid --batch 20 --trials 2
for arg in "'big.npy'" "np.load('big.npy')"; do
    check "Python nnd($arg, 'gen:RUN') raises ValueError naming column 1" "$PY" -c "
import numpy as np, sys, wgankit as w
try: w.nnd($arg, 'gen:rid', m=50, steps=2)
except ValueError as e: sys.exit(not ('column 1 spans' in str(e) and 'run keeps values as stored' in str(e) and 'train with' not in str(e)))
sys.exit(1)"
done
for cmd in "critic --checkpoint rid/checkpoint.safetensors --input big.npy -o c.npy" "eval --checkpoint rid/checkpoint.safetensors --data big.npy" \
           "nnd big.npy gen:rid -m 50 --steps 2" "birthday big.npy --reference gen:rid --batch 20 --trials 2"; do
    "$CLI" $cmd >/dev/null 2>adv.err
    check "${cmd%% *} advises for a comparison, not training: $(head -c 200 adv.err)" bash -c "grep -q 'run keeps values as stored' adv.err && ! grep -q 'train with' adv.err"
done
check "nnd pts.npy gen:RUN still runs (rc 0)" "$CLI" nnd pts.npy gen:rid -m 50 --steps 2

[ $fail = 0 ] && echo "cli_data_spread: all passed"
exit $fail
